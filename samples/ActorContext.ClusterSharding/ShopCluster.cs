using ActorContext.Akka;
using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Cluster.Tools.PublishSubscribe;
using Akka.Configuration;

namespace ActorContext.ClusterSharding;

/// <summary>Three cluster nodes in this process, on 127.0.0.1 with ports the OS picks.</summary>
internal sealed class ShopCluster
{
    private const string Hocon = """
        akka {
          loglevel = WARNING
          stdout-loglevel = WARNING
          actor.provider = cluster
          remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
          cluster {
            min-nr-of-members = 3
            gossip-interval = 200ms
            leader-actions-interval = 200ms
            periodic-tasks-initial-delay = 100ms
            sharding { state-store-mode = ddata, retry-interval = 200ms }
            pub-sub.gossip-interval = 200ms
            run-coordinated-shutdown-when-down = off
          }
          coordinated-shutdown.run-by-clr-shutdown-hook = off
        }
        """;

    private static readonly TimeSpan s_formTimeout = TimeSpan.FromSeconds(30);

    private ShopCluster(ActorSystem[] nodes, IActorRef[] regions)
    {
        Nodes = nodes;
        Regions = regions;
    }

    public ActorSystem[] Nodes { get; }

    /// <summary>Each node's shard region for orders.</summary>
    public IActorRef[] Regions { get; }

    /// <summary>"node1" … "node3" for a node's address.</summary>
    public string Label(string node) =>
        $"node{Array.FindIndex(Nodes, n => NodeOf(n) == node) + 1}";

    public static string NodeOf(ActorSystem system) => ((ExtendedActorSystem)system).Provider.DefaultAddress.ToString();

    /// <summary>Starts the nodes, joins them, and waits until sharding and pub/sub are ready everywhere.</summary>
    public static async Task<ShopCluster> StartAsync()
    {
        // The one call that turns propagation on; ActorContext.Remote supplies the cluster provider.
        var config = ConfigurationFactory.ParseString(Hocon).WithMessageContext();
        ActorSystem[] nodes = [.. Enumerable.Range(0, 3).Select(_ => ActorSystem.Create("shop", config))];
        var seed = global::Akka.Cluster.Cluster.Get(nodes[0]).SelfAddress;
        foreach (var node in nodes)
        {
            global::Akka.Cluster.Cluster.Get(node).Join(seed);
        }

        await WaitAsync(() => Task.FromResult(nodes.All(n => UpCount(n) == 3)), "all three nodes Up");

        var regions = await Task.WhenAll(nodes.Select(n => global::Akka.Cluster.Sharding.ClusterSharding.Get(n).StartAsync(
            Order.TypeName, Props.Create<Order>(), ClusterShardingSettings.Create(n), new Order.Extractor())));

        // One stock keeper per node, subscribed before any request is sent; pub/sub gossip spreads the
        // subscriptions to the other nodes within a few gossip intervals.
        await Task.WhenAll(nodes.Select(static n => DistributedPubSub.Get(n).Mediator.Ask<SubscribeAck>(
            new Subscribe(StockKeeper.Topic, n.ActorOf(Props.Create<StockKeeper>(), "stock"), StockKeeper.Topic),
            s_formTimeout)));
        await WaitAsync(
            async () => (await regions[0].Ask<CurrentRegions>(GetCurrentRegions.Instance, TimeSpan.FromSeconds(1))).Regions.Count == 3,
            "the shard coordinator knows all three regions");
        return new ShopCluster(nodes, regions);
    }

    /// <summary>The nodes leave the cluster and stop, one after the other (the seed node last).</summary>
    public async Task StopAsync()
    {
        foreach (var node in Nodes.Reverse())
        {
            await CoordinatedShutdown.Get(node).Run(CoordinatedShutdown.ClusterLeavingReason.Instance).WaitAsync(s_formTimeout);
        }
    }

    private static int UpCount(ActorSystem node) =>
        global::Akka.Cluster.Cluster.Get(node).State.Members.Count(static m => m.Status == global::Akka.Cluster.MemberStatus.Up);

    private static async Task WaitAsync(Func<Task<bool>> ready, string what)
    {
        var deadline = DateTime.UtcNow + s_formTimeout;
        while (true)
        {
            try
            {
                if (await ready())
                {
                    return;
                }
            }
            catch (AskTimeoutException)
            {
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Gave up after {s_formTimeout.TotalSeconds} s waiting for {what}.");
            }

            await Task.Delay(100);
        }
    }
}
