using ActorContext.Remote.Tests.Support;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Cluster.Tools.PublishSubscribe;

namespace ActorContext.Remote.Tests;

/// <summary>Temporary Ask actors, Identify and Akka's own system actors across nodes, with a context current.</summary>
[Collection(ClusterCollection.Name)]
public sealed class SystemAndTempActorTests(ClusterFixture cluster) : ClusterTest(cluster)
{
    [Fact]
    public async Task Ask_BetweenEveryPairOfNodes_RepliesReachTheTemporaryActor()
    {
        for (var from = 0; from < 3; from++)
        {
            for (var to = 0; to < 3; to++)
            {
                if (from == to)
                {
                    continue;
                }

                var target = await RefAsync(from, to);
                var report = await Vars.InContext($"r-{from}-{to}", () => target.Ask<Report>(new Probe($"{from}->{to}"), Timeout));
                Assert.Equal(NodeName(to), report.Node);
                Assert.StartsWith($"rid=r-{from}-{to}|", report.Reading);
            }
        }
    }

    [Fact]
    public async Task Identify_AcrossNodes_WithAContextCurrent_ReturnsActorIdentity()
    {
        var root = new RootActorPath(Cluster.Addresses[1]);

        var found = await Vars.InContext("r-identify", () =>
            Cluster.Nodes[0].ActorSelection(root / "user" / "reporter").Ask<ActorIdentity>(new Identify("user"), Timeout));
        var system = await Vars.InContext("r-identify-system", () =>
            Cluster.Nodes[0].ActorSelection(root / "system" / "distributedPubSubMediator").Ask<ActorIdentity>(new Identify("system"), Timeout));
        var missing = await Vars.InContext("r-identify-missing", () =>
            Cluster.Nodes[0].ActorSelection(root / "user" / "no-such-actor").Ask<ActorIdentity>(new Identify("missing"), Timeout));

        Assert.Equal("user", found.MessageId);
        Assert.Equal(root / "user" / "reporter", found.Subject?.Path);
        Assert.Equal("system", system.MessageId);
        Assert.NotNull(system.Subject);
        Assert.Equal("missing", missing.MessageId);
        Assert.Null(missing.Subject);
    }

    [Fact]
    public async Task SystemActorsOnAnotherNode_AnswerMessagesSentWithAContext()
    {
        var root = new RootActorPath(Cluster.Addresses[2]);
        var region = await Cluster.Nodes[0].ActorSelection(root / "system" / "sharding" / ClusterFixture.EntityType).ResolveOne(Timeout);
        var mediator = await Cluster.Nodes[0].ActorSelection(root / "system" / "distributedPubSubMediator").ResolveOne(Timeout);

        var state = await Vars.InContext("r-region-state", () => region.Ask<CurrentShardRegionState>(GetShardRegionState.Instance, Timeout));
        var topics = await Vars.InContext("r-topics", () => mediator.Ask<CurrentTopics>(GetTopics.Instance, Timeout));

        Assert.NotNull(state.Shards);
        Assert.NotNull(topics.Topics);
    }
}
