using ActorContext.Remote.Tests.Support;
using Akka.Actor;

namespace ActorContext.Remote.Tests;

/// <summary>
/// Cluster Sharding: messages through a shard region (and a proxy) to entities on other nodes, and the entities'
/// replies. Each message is sent in its own context; an entity reports what it read and the node it runs on.
/// </summary>
/// <remarks>
/// "First message" tests open a new shard with every message: the sending region does not know where the shard
/// lives yet and buffers the message until the coordinator answers. "Homed" tests send to shards that already
/// have a home, so the region passes the message on at once.
/// </remarks>
[Collection(ClusterCollection.Name)]
public sealed class ShardingTests(ClusterFixture cluster) : ClusterTest(cluster)
{
    private const int Entities = 24;

    [Fact]
    public async Task Region_MessagesToShardsThatAlreadyHaveAHome_EntitiesOnOtherNodesSeeTheSendersContext()
    {
        var entities = NewEntities("homed");
        await SendRoundAsync(Cluster.Regions[0], entities, "warm-up", withContext: false);

        var results = await SendRoundAsync(Cluster.Regions[0], entities, "homed", withContext: true);

        AssertSpreadAndMatching(results);
    }

    [Fact]
    public async Task Region_FirstMessageToEachNewShard_EntitiesOnOtherNodesSeeTheSendersContext()
    {
        var results = await SendRoundAsync(Cluster.Regions[0], NewEntities("fresh"), "fresh", withContext: true);

        AssertSpreadAndMatching(results);
    }

    [Fact]
    public async Task Proxy_MessagesToShardsThatAlreadyHaveAHome_EntitiesOnOtherNodesSeeTheSendersContext()
    {
        var entities = NewEntities("proxy-homed");
        await SendRoundAsync(Cluster.Proxy, entities, "warm-up", withContext: false);

        var results = await SendRoundAsync(Cluster.Proxy, entities, "proxy-homed", withContext: true);

        AssertSpreadAndMatching(results);
    }

    [Fact]
    public async Task Proxy_FirstMessageToEachNewShard_EntitiesOnOtherNodesSeeTheSendersContext()
    {
        var results = await SendRoundAsync(Cluster.Proxy, NewEntities("proxy-fresh"), "proxy-fresh", withContext: true);

        AssertSpreadAndMatching(results);
    }

    [Fact]
    public async Task Entity_ReplyToldToANormalActorOnTheSendingNode_CarriesTheEntitysContext()
    {
        var entities = NewEntities("reply");
        await SendRoundAsync(Cluster.Regions[0], entities, "warm-up", withContext: false);
        var (sink, deliveries) = NewSink(0);

        var expected = new Dictionary<string, string>();
        foreach (var (entity, shard) in entities)
        {
            var tag = $"reply-{entity}";
            expected[tag] = new MessageContext().Run(() =>
            {
                Vars.RequestId.Set($"r-{tag}");
                Cluster.Regions[0].Tell(new EntityProbe(entity, shard, tag, sink));
                return $"r-{tag}";
            });
        }

        for (var i = 0; i < entities.Count; i++)
        {
            await deliveries.WaitForAsync(static d => d.Message is Report, Timeout, $"entity reply {i + 1} of {entities.Count}");
        }

        var remote = deliveries.Seen.Where(d => ((Report)d.Message).Node != NodeName(0)).ToList();
        Assert.NotEmpty(remote);
        foreach (var delivered in deliveries.Seen)
        {
            var report = (Report)delivered.Message;
            var entity = report.Tag["reply-".Length..];

            // The sink reads what the entity had when it replied: the request's ID plus the entity's own tag.
            Assert.Equal(report.Reading, delivered.Reading);
            Assert.Contains($"rid={expected[report.Tag]}|", delivered.Reading);
            Assert.Contains($"reply=entity-{entity}@{report.Node}|", delivered.Reading);
        }
    }

    /// <summary>Entity IDs each in a shard of its own, new to the cluster.</summary>
    private static List<(string Entity, string Shard)> NewEntities(string prefix)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        return [.. Enumerable.Range(0, Entities).Select(i => ($"{prefix}-{run}-{i}", $"{prefix}-{run}-shard-{i}"))];
    }

    /// <summary>Asks every entity once, concurrently, each in its own context; returns what each entity reported.</summary>
    /// <remarks>An entity on the sending node reads the process-scoped var too; one on another node must not.</remarks>
    private async Task<List<(string Expected, Report Report)>> SendRoundAsync(
        IActorRef via, IReadOnlyList<(string Entity, string Shard)> entities, string tag, bool withContext)
    {
        var asks = entities.Select((e, i) => new MessageContext().Run(async () =>
        {
            var remotely = withContext ? SetEverything($"r-{tag}-{i}", i) : Vars.ExpectedRemotely();
            var locally = Vars.Reading();
            var report = await via.Ask<Report>(new EntityProbe(e.Entity, e.Shard, $"{tag}-{i}", null), TimeSpan.FromSeconds(20));
            return (report.Node == NodeName(0) ? locally : remotely, report);
        }));
        return [.. await Task.WhenAll(asks)];
    }

    private void AssertSpreadAndMatching(List<(string Expected, Report Report)> results)
    {
        var elsewhere = results.Where(r => r.Report.Node != NodeName(0)).ToList();
        Assert.True(
            elsewhere.Select(static r => r.Report.Node).Distinct().Count() == 2,
            $"expected entities on both other nodes; hosted on: {string.Join(", ", results.Select(static r => r.Report.Node).Distinct())}");

        var mismatches = results.Where(static r => r.Expected != r.Report.Reading).ToList();
        Assert.True(
            mismatches.Count == 0,
            $"{mismatches.Count} of {results.Count} entities saw another context ({mismatches.Count(r => r.Report.Node != NodeName(0))} of them on other nodes):\n" +
            string.Join('\n', mismatches.Select(static m => $"  {m.Report.Tag} on {m.Report.Node}\n    expected {m.Expected}\n    actual   {m.Report.Reading}")));
    }
}
