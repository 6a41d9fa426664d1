using System.Text.RegularExpressions;

namespace ActorContext.Samples.Tests;

/// <summary><c>dotnet run --project samples/ActorContext.ConsoleHost -- --serilog</c>: the same hops, logged through Serilog.</summary>
public partial class ConsoleHostSerilogTests
{
    // The enricher's property as Serilog's console sink renders {Properties}: request-id="r-…".
    [GeneratedRegex(@"request-id=""(r-[0-9a-f]{10})""")]
    private static partial Regex RequestIdProperty();

    [Fact]
    public async Task ConsoleHost_Serilog_EveryHopLineCarriesItsRequestsIdAsAProperty()
    {
        using var sample = SampleProcess.Start("ActorContext.ConsoleHost.dll", ["--serilog", "--requests", "10"]);

        var exitCode = await sample.WaitForExitAsync(TimeSpan.FromSeconds(45));

        Assert.True(exitCode == 0, $"exit code {exitCode}\n{sample.AllOutput}");
        var lines = sample.Stdout;
        Assert.Equal("summary: 10 requests, 10 replies, 10 unique ids, 0 mismatches", lines.Last(l => l.Length > 0));

        var hopLines = lines.Where(l => l.Contains(" hop ", StringComparison.Ordinal)).ToArray();
        var ids = hopLines.Select(l => RequestIdProperty().Match(l)).Where(m => m.Success).Select(m => m.Groups[1].Value).Distinct().ToArray();
        Assert.Equal(10, ids.Length);
        Assert.All(hopLines, l => Assert.Matches(RequestIdProperty(), l));

        // Edge lines come from Microsoft.Extensions.Logging's ILogger (Serilog as its provider), the others from Akka's
        // ILoggingAdapter through Akka.Logger.Serilog, written later on Akka's logger actor.
        foreach (var id in ids)
        {
            var logged = hopLines.Where(l => l.Contains($"request-id=\"{id}\"", StringComparison.Ordinal)).ToArray();
            foreach (var hop in ConsoleHostSelfTestTests.Hops)
            {
                Assert.True(logged.Count(l => l.Contains($"hop {hop} ", StringComparison.Ordinal)) == 1, $"hop {hop} for {id}:\n{string.Join('\n', logged)}");
            }
        }
    }
}
