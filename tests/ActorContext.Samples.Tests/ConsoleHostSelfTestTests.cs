using System.Text.RegularExpressions;

namespace ActorContext.Samples.Tests;

/// <summary>The console host's main job: <c>dotnet run --project samples/ActorContext.ConsoleHost</c>, no arguments.</summary>
public partial class ConsoleHostSelfTestTests
{
    internal static readonly string[] Hops = ["edge", "parse", "enrich", "directory", "timer", "reply"];

    [GeneratedRegex(@"^\s*\d+\s+(r-[0-9a-f]{10})\s+(\S+)\s+\d+ ms$")]
    private static partial Regex TableRow();

    [Fact]
    public async Task ConsoleHost_NoArguments_Fires20RequestsOverTcp_EveryHopSawItsRequestsId()
    {
        using var sample = SampleProcess.Start("ActorContext.ConsoleHost.dll", []);

        var exitCode = await sample.WaitForExitAsync(TimeSpan.FromSeconds(45));

        Assert.True(exitCode == 0, $"exit code {exitCode}\n{sample.AllOutput}");
        var lines = sample.Stdout;
        Assert.Equal("summary: 20 requests, 20 replies, 20 unique ids, 0 mismatches", lines.Last(l => l.Length > 0));

        var rows = lines.Select(l => TableRow().Match(l)).Where(m => m.Success).ToArray();
        Assert.Equal(20, rows.Length);
        Assert.All(rows, row => Assert.Equal(string.Join('>', Hops), row.Groups[2].Value));
        var ids = rows.Select(r => r.Groups[1].Value).ToArray();
        Assert.Equal(20, ids.Distinct().Count());

        // Each hop logged one line for each request; the ID in it comes from the logging scope (the context).
        foreach (var id in ids)
        {
            var logged = lines.Where(l => l.Contains($"request-id:{id} ", StringComparison.Ordinal)).ToArray();
            foreach (var hop in Hops)
            {
                Assert.True(logged.Count(l => l.Contains($"hop {hop} ", StringComparison.Ordinal)) == 1, $"hop {hop} for {id}:\n{string.Join('\n', logged)}");
            }
        }
    }

    [Fact]
    public async Task ConsoleHost_RequestsOption_ChangesTheCount()
    {
        using var sample = SampleProcess.Start("ActorContext.ConsoleHost.dll", ["--requests", "5"]);

        var exitCode = await sample.WaitForExitAsync(TimeSpan.FromSeconds(45));

        Assert.True(exitCode == 0, $"exit code {exitCode}\n{sample.AllOutput}");
        Assert.Equal("summary: 5 requests, 5 replies, 5 unique ids, 0 mismatches", sample.Stdout.Last(l => l.Length > 0));
        Assert.Equal(5, sample.Stdout.Count(l => TableRow().IsMatch(l)));
    }
}
