using ActorContext.Akka;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Configuration;

namespace ActorContext.Remote.Tests.Support;

/// <summary>
/// Three actor systems in this process on 127.0.0.1 (free ports), joined into one cluster over Akka.Remote's TCP
/// transport, each with context propagation, a reporter at /user/reporter, a Distributed Pub/Sub mediator and a
/// shard region for <see cref="EntityType"/>. Formed once for every test in <see cref="ClusterCollection"/>.
/// </summary>
public sealed class ClusterFixture : IAsyncLifetime
{
    public const string SystemName = "ctx";
    public const string ShardRole = "shard";
    public const string EntityType = "entity";

    public static readonly TimeSpan FormTimeout = TimeSpan.FromSeconds(30);

    public ActorSystem[] Nodes { get; private set; } = [];

    public Address[] Addresses { get; private set; } = [];

    /// <summary>The reporter at /user/reporter on each node, as seen from that node.</summary>
    public IActorRef[] Reporters { get; private set; } = [];

    /// <summary>The shard region of each node.</summary>
    public IActorRef[] Regions { get; private set; } = [];

    /// <summary>A sharding proxy on node 1 (it hosts no entities itself).</summary>
    public IActorRef Proxy { get; private set; } = ActorRefs.Nobody;

    public ActorSystem Node1 => Nodes[0];

    /// <summary>The HOCON of a test node; <paramref name="role"/> null for a node that hosts no shards.</summary>
    public static Config NodeConfig(string? role, int minMembers) => ConfigurationFactory.ParseString($$"""
        akka {
          loglevel = WARNING
          stdout-loglevel = WARNING
          actor.provider = cluster
          remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
          cluster {
            roles = [{{(role is null ? string.Empty : $"\"{role}\"")}}]
            min-nr-of-members = {{minMembers}}
            gossip-interval = 200ms
            leader-actions-interval = 200ms
            periodic-tasks-initial-delay = 100ms
            run-coordinated-shutdown-when-down = off
            sharding {
              state-store-mode = ddata
              retry-interval = 200ms
              # No shard moves while a test runs: which messages get buffered is decided by each test (see ShardingTests).
              rebalance-interval = 1h
            }
            singleton-proxy.singleton-identification-interval = 200ms
            pub-sub.gossip-interval = 200ms
          }
          coordinated-shutdown {
            run-by-clr-shutdown-hook = off
            run-by-actor-system-terminate = off
          }
        }
        """);

    /// <summary>A cluster node with context propagation.</summary>
    public static ActorSystem StartNode(string? role, int minMembers) =>
        ActorSystem.Create(SystemName, NodeConfig(role, minMembers).WithMessageContext());

    public async Task InitializeAsync()
    {
        Nodes = [StartNode(ShardRole, 3), StartNode(ShardRole, 3), StartNode(ShardRole, 3)];
        Addresses = [.. Nodes.Select(static n => global::Akka.Cluster.Cluster.Get(n).SelfAddress)];
        foreach (var node in Nodes)
        {
            global::Akka.Cluster.Cluster.Get(node).Join(Addresses[0]);
        }

        foreach (var node in Nodes)
        {
            await Wait.UntilAsync(() => AllUp(node, Nodes.Length), FormTimeout, $"all {Nodes.Length} members Up as seen by {Vars.NodeOf(node)}");
        }

        Reporters = [.. Nodes.Select(static n => n.ActorOf(Props.Create<Reporter>(), "reporter"))];
        foreach (var node in Nodes)
        {
            _ = DistributedPubSub.Get(node).Mediator;
        }

        var extractor = new EntityExtractor();
        Regions = await Task.WhenAll(Nodes.Select(n => ClusterSharding.Get(n).StartAsync(
            EntityType, Props.Create<Entity>(), ClusterShardingSettings.Create(n).WithRole(ShardRole), extractor)));
        Proxy = await ClusterSharding.Get(Node1).StartProxyAsync(EntityType, ShardRole, extractor);

        // Every region registered with the coordinator, so new shards are spread over all three nodes.
        await Wait.UntilAsync(
            async () =>
            {
                try
                {
                    var regions = await Regions[0].Ask<CurrentRegions>(GetCurrentRegions.Instance, TimeSpan.FromSeconds(1));
                    return regions.Regions.Count == Nodes.Length;
                }
                catch (AskTimeoutException)
                {
                    return false;
                }
            },
            FormTimeout,
            "the shard coordinator knows all three regions");
    }

    public async Task DisposeAsync() => await ShutdownAsync(Nodes);

    /// <summary>Whether <paramref name="node"/> sees <paramref name="count"/> members, all Up.</summary>
    public static bool AllUp(ActorSystem node, int count)
    {
        var members = global::Akka.Cluster.Cluster.Get(node).State.Members;
        return members.Count == count && members.All(static m => m.Status == global::Akka.Cluster.MemberStatus.Up);
    }

    /// <summary>Terminates <paramref name="nodes"/> concurrently, bounded.</summary>
    public static async Task ShutdownAsync(IEnumerable<ActorSystem> nodes)
    {
        var terminating = nodes.Select(static n => n.Terminate()).ToArray();
        await Task.WhenAll(terminating).WaitAsync(TimeSpan.FromSeconds(20));
    }

    /// <summary>The index (0-2) of the node a report names, or -1.</summary>
    public int IndexOf(string node) => Array.FindIndex(Addresses, a => a.ToString() == node);
}

/// <summary>Every test class that shares the one cluster.</summary>
[CollectionDefinition(Name)]
public sealed class ClusterCollection : ICollectionFixture<ClusterFixture>
{
    public const string Name = "cluster";
}
