using System.Text.Json;
using System.Text.RegularExpressions;
using ActorContext.Benchmarks;

namespace ActorContext.Benchmarks.Tests;

/// <summary>
/// Runs the benchmark's quick mode in-process with tiny sizes and checks the shape of what it prints. Not a timing
/// test: the numbers are not judged, only that every scenario reports exactly one well-formed line.
/// </summary>
public class BenchmarkQuickModeTests
{
    private static readonly string[] s_measuredScenarios =
    [
        "one-way-ctx",
        "one-way-empty",
        "ping-pong-ctx",
        "ping-pong-empty",
        "chain5-ctx",
        "ask-ctx",

        // Akka.Streams: Source.Queue → Select → SelectAsync(Ask) → Sink, a context per element or none.
        "stream-ctx",
        "stream-empty",

        // Two remote systems per variant on loopback; the run fails before measuring if the echo on the other node
        // does not read the edge's distributed vars with propagation.
        "remote-roundtrip-ctx",

        // Under a running Activity (nobody listening): the trace rides along.
        "one-way-traced",
    ];

    [Fact]
    public void QuickMode_TinySizes_PrintsOneWellFormedLinePerScenario()
    {
        var json = Path.Combine(Path.GetTempPath(), $"quick-{Guid.NewGuid():N}.json");
        using var output = new StringWriter();
        try
        {
            var exit = QuickMode.Run(
                ["--quick", "--messages", "2000", "--rounds", "1", "--queued", "20000", "--ops", "10000", "--json", json],
                output);

            Assert.Equal(0, exit);
            var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

            foreach (var scenario in s_measuredScenarios)
            {
                var line = Assert.Single(lines, l => l.StartsWith(scenario + " ", StringComparison.Ordinal));
                Assert.Matches(
                    new Regex($@"^{Regex.Escape(scenario)} plain=\d+ ctx=\d+ ratio=\d+\.\d{{2}} extra_bytes_per_msg=-?\d+$"),
                    line);
            }

            // Heap growth is measured, not clamped: with a few thousand queued messages and other tests allocating in
            // this process, a forced collection can leave the heap smaller than before.
            Assert.Matches(
                new Regex(@"^queued-1m plain_mb=-?\d+\.\d ctx_mb=-?\d+\.\d extra_mb=-?\d+\.\d$"),
                Assert.Single(lines, l => l.StartsWith("queued-1m ", StringComparison.Ordinal)));
            Assert.Matches(
                new Regex(@"^contextvar get_ns=\d+\.\d set_ns=\d+\.\d$"),
                Assert.Single(lines, l => l.StartsWith("contextvar ", StringComparison.Ordinal)));

            // Nothing else is printed: the measured scenarios (the remote one included), queued-1m and contextvar.
            Assert.DoesNotContain(lines, l => l.Contains("skipped", StringComparison.Ordinal));
            Assert.Equal(s_measuredScenarios.Length + 2, lines.Length);

            using var document = JsonDocument.Parse(File.ReadAllText(json));
            var entries = document.RootElement.EnumerateArray().ToDictionary(e => e.GetProperty("scenario").GetString()!);
            Assert.Equal(s_measuredScenarios.Length + 2, entries.Count);
            foreach (var scenario in s_measuredScenarios)
            {
                var entry = entries[scenario];
                Assert.True(entry.GetProperty("plain").GetInt64() > 0);
                Assert.True(entry.GetProperty("ctx").GetInt64() > 0);
                // One round: the ratio is exactly that round's ctx/plain (a tiny run on a busy machine can round to 0.00,
                // so check consistency, not size).
                var expectedRatio = Math.Round(entry.GetProperty("ctx").GetDouble() / entry.GetProperty("plain").GetDouble(), 2);
                Assert.InRange(entry.GetProperty("ratio").GetDouble(), expectedRatio - 0.01, expectedRatio + 0.01);
                Assert.Equal(JsonValueKind.Number, entry.GetProperty("extra_bytes_per_msg").ValueKind);
            }

            Assert.False(entries["remote-roundtrip-ctx"].TryGetProperty("skipped", out _));
            Assert.Equal(JsonValueKind.Number, entries["queued-1m"].GetProperty("extra_mb").ValueKind);
            Assert.Equal(JsonValueKind.Number, entries["contextvar"].GetProperty("get_ns").ValueKind);
        }
        finally
        {
            File.Delete(json);
        }
    }

    [Fact]
    public void QuickMode_Control_SecondSystemIsPlainAndTheRemoteProbeChecksIt()
    {
        // The remote probe throws unless the control's "ctx" echo reads no vars, so a control run that still
        // propagated could not print its line.
        using var output = new StringWriter();

        var exit = QuickMode.Run(
            ["--quick", "--control", "--scenario", RemoteName, "--messages", "500", "--rounds", "1", "--queued", "1000", "--ops", "1000"],
            output);

        Assert.Equal(0, exit);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Matches(new Regex($@"^{RemoteName} plain=\d+ ctx=\d+ ratio=\d+\.\d{{2}} extra_bytes_per_msg=-?\d+$"), Assert.Single(lines, l => l.StartsWith(RemoteName + " ", StringComparison.Ordinal)));
        Assert.Matches(new Regex(@"^queued-1m plain_mb=-?\d+\.\d ctx_mb=-?\d+\.\d extra_mb=-?\d+\.\d$"), Assert.Single(lines, l => l.StartsWith("queued-1m ", StringComparison.Ordinal)));
    }

    private const string RemoteName = "remote-roundtrip-ctx";

    [Fact]
    public void PerProcess_TinySizes_PrintsOneWellFormedLinePerScenario()
    {
        // Every scenario, each variant in child processes of its own; one pair keeps the test short (figures use 3 or more).
        using var output = new StringWriter();

        var exit = PerProcessMode.Run(["--per-process", "--pairs", "1", "--messages", "2000", "--rounds", "1"], output);

        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.True(exit == 0, output.ToString());
        string[] expected = [.. s_measuredScenarios, "one-way-spans", "pipeline"];
        Assert.Equal(expected.Order(StringComparer.Ordinal), PerProcessMode.AllScenarios.Order(StringComparer.Ordinal));
        Assert.Equal(expected.Length, lines.Length);
        foreach (var scenario in expected)
        {
            var line = Assert.Single(lines, l => l.StartsWith(scenario + " ", StringComparison.Ordinal));
            var spans = scenario == "one-way-spans"
                ? @" span_floor_ns=\d+\.\d span_4tags_ns=\d+\.\d above_plain_ns=-?\d+\.\d above_plain_per_floor=-?\d+\.\d{2}"
                : string.Empty;
            Assert.Matches(
                new Regex($@"^{Regex.Escape(scenario)} plain=\d+ ctx=\d+ ratio=\d+\.\d{{2}} extra_bytes_per_msg=-?\d+ plain_cpu_ns_per_delivery=\d+\.\d ctx_cpu_ns_per_delivery=\d+\.\d{spans}$"),
                line);
        }
    }

    [Fact]
    public void PerProcess_ControlWithThreePairs_PrintsTheScenarioLine()
    {
        using var output = new StringWriter();

        var exit = PerProcessMode.Run(["--per-process", "--control", "--scenario", "ping-pong-empty", "--messages", "2000", "--rounds", "1"], output);

        Assert.True(exit == 0, output.ToString());
        var line = Assert.Single(output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Matches(new Regex(@"^ping-pong-empty plain=\d+ ctx=\d+ ratio=\d+\.\d{2} extra_bytes_per_msg=-?\d+ plain_cpu_ns_per_delivery=\d+\.\d ctx_cpu_ns_per_delivery=\d+\.\d$"), line);
    }

    [Fact]
    public void PerProcess_AltBuild_AddsThatVariantsColumns()
    {
        // This very build as the "other" build: the point is the third variant's children and columns, not its figures.
        using var output = new StringWriter();
        var self = typeof(PerProcessMode).Assembly.Location;

        var exit = PerProcessMode.Run(["--per-process", "--pairs", "1", "--scenario", "one-way-empty", "--alt-build", self, "--messages", "2000", "--rounds", "1"], output);

        Assert.True(exit == 0, output.ToString());
        var line = Assert.Single(output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Matches(new Regex(@" ctx_cpu_ns_per_delivery=\d+\.\d alt=\d+ alt_ratio=\d+\.\d{2} alt_extra_bytes_per_msg=-?\d+ alt_cpu_ns_per_delivery=\d+\.\d$"), line);
    }

    [Theory]
    [InlineData("--pairs", "0")]
    [InlineData("--scenario", "no-such-scenario")]
    [InlineData("--alt-build", "/nonexistent/ActorContext.Benchmarks.dll")]
    [InlineData("--solo", "ctx")]
    public void PerProcess_BadArguments_PrintsTheErrorAndUsage(string option, string value)
    {
        using var output = new StringWriter();

        var exit = PerProcessMode.Run(["--per-process", option, value], output);

        Assert.Equal(2, exit);
        Assert.StartsWith("error: ", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("usage: --per-process", output.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("plain")]
    [InlineData("ctx")]
    public void QuickMode_Solo_RunsTheScenarioOnOneSystemAndPrintsItsRate(string system)
    {
        using var output = new StringWriter();

        var exit = QuickMode.Run(["--quick", "--solo", system, "--scenario", "ping-pong-ctx", "--messages", "2000", "--rounds", "2"], output);

        Assert.Equal(0, exit);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(2, lines.Count(l => l.StartsWith($"# ping-pong-ctx {system} round ", StringComparison.Ordinal)));
        Assert.Matches(new Regex($@"^# ping-pong-ctx {system} bytes_per_msg=-?\d+\.\d$"), lines[^2]);
        Assert.Matches(new Regex($@"^ping-pong-ctx {system}=\d+ cpu_ns_per_msg=\d+\.\d$"), lines[^1]);
    }

    [Fact]
    public void QuickMode_SoloWithoutAScenario_ReturnsAnErrorNamingTheScenarios()
    {
        using var output = new StringWriter();

        Assert.Equal(2, QuickMode.Run(["--quick", "--solo", "ctx"], output));
        Assert.Contains("one-way-ctx", output.ToString(), StringComparison.Ordinal);
        Assert.Equal(2, QuickMode.Run(["--quick", "--solo", "both", "--scenario", "one-way-ctx"], output));
    }

    [Fact]
    public void QuickMode_TwoPairsOfSystems_PrintsOneWellFormedLine()
    {
        using var output = new StringWriter();

        // Four rounds over two pairs: each pair is measured twice, once in each order, and the bytes come from the
        // second visits.
        var exit = QuickMode.Run(
            ["--quick", "--scenario", "one-way-ctx", "--systems", "2", "--messages", "2000", "--rounds", "4", "--queued", "1000", "--ops", "1000"],
            output);

        Assert.Equal(0, exit);
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Matches(
            new Regex(@"^one-way-ctx plain=\d+ ctx=\d+ ratio=\d+\.\d{2} extra_bytes_per_msg=-?\d+$"),
            Assert.Single(lines, static l => l.StartsWith("one-way-ctx ", StringComparison.Ordinal)));
    }

    [Fact]
    public void QuickMode_NoSystems_ReturnsUsageError()
    {
        using var output = new StringWriter();
        Assert.Equal(2, QuickMode.Run(["--quick", "--systems", "0"], output));
        Assert.Contains("--systems must be positive", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void QuickMode_NegativeRemotePadding_ReturnsUsageError()
    {
        using var output = new StringWriter();
        Assert.Equal(2, QuickMode.Run(["--quick", "--remote-pad", "-1"], output));
        Assert.Contains("--remote-pad must be between 0 and 1000000", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void RemotePingMessage_Padding_AddsThatManyCharacters()
    {
        Assert.Equal("ping", RemoteRoundTrip.PingMessage(0));
        Assert.Equal(4 + 110, RemoteRoundTrip.PingMessage(110).Length);
    }

    [Fact]
    public void QuickMode_UnknownOption_ReturnsUsageError()
    {
        using var output = new StringWriter();
        Assert.Equal(2, QuickMode.Run(["--quick", "--no-such-option"], output));
        Assert.Contains("usage:", output.ToString(), StringComparison.Ordinal);
    }
}
