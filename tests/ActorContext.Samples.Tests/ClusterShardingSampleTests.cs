using System.Text.RegularExpressions;

namespace ActorContext.Samples.Tests;

/// <summary>The cluster sample: <c>dotnet run --project samples/ActorContext.ClusterSharding</c>, no arguments.</summary>
public partial class ClusterShardingSampleTests
{
    // "  3  req-1a2b3c4d  edge@node1=req-1a2b3c4d > order@node2=req-1a2b3c4d > stock@node3=req-1a2b3c4d"
    [GeneratedRegex(@"^\s*\d+\s+(req-[0-9a-f]{8})\s+(.+)$")]
    private static partial Regex TableRow();

    [GeneratedRegex(@"^(\w+)@(node[123])=(\S+)$")]
    private static partial Regex HopPattern();

    [Fact]
    public async Task ClusterSharding_NoArguments_ThreeNodes_EveryHopOnEveryNodeSawItsRequestsId()
    {
        using var sample = SampleProcess.Start("ActorContext.ClusterSharding.dll", []);

        var exitCode = await sample.WaitForExitAsync(TimeSpan.FromSeconds(60));

        var lines = sample.Stdout;
        Assert.True(exitCode == 0, $"exit code {exitCode}\n{sample.AllOutput}");
        Assert.Equal("summary: 12 requests, 12 replies, 0 mismatches", lines.Last(l => l.Length > 0));
        foreach (var node in new[] { "node1", "node2", "node3" })
        {
            Assert.Contains(lines, l => l.StartsWith($"{node} = akka.tcp://shop@127.0.0.1:", StringComparison.Ordinal));
        }

        var rows = lines.Select(l => TableRow().Match(l)).Where(m => m.Success).ToArray();
        Assert.Equal(12, rows.Length);
        var nodes = new HashSet<string>();
        foreach (var row in rows)
        {
            var hops = row.Groups[2].Value.Split(" > ").Select(h => HopPattern().Match(h)).ToArray();
            Assert.All(hops, hop => Assert.True(hop.Success, $"unexpected hop format in: {row.Value}"));
            Assert.Equal(["edge", "order", "stock"], hops.Select(h => h.Groups[1].Value));
            Assert.Equal("node1", hops[0].Groups[2].Value);
            Assert.All(hops, hop => Assert.Equal(row.Groups[1].Value, hop.Groups[3].Value));
            nodes.UnionWith(hops.Select(h => h.Groups[2].Value));
        }

        Assert.Equal(12, rows.Select(r => r.Groups[1].Value).Distinct().Count());
        Assert.True(nodes.Count >= 2, $"the requests crossed only {string.Join(", ", nodes)}\n{sample.AllOutput}");
    }
}
