using Akka.Actor;

namespace ActorContext.Remote.Tests.Support;

/// <summary>Helpers shared by the tests that run on <see cref="ClusterFixture"/>.</summary>
public abstract class ClusterTest(ClusterFixture cluster)
{
    protected static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    protected ClusterFixture Cluster { get; } = cluster;

    /// <summary>The ref <paramref name="from"/> gets for an actor at /user/<paramref name="name"/> on node <paramref name="to"/>.</summary>
    protected Task<IActorRef> RefAsync(int from, int to, string name = "reporter") =>
        Cluster.Nodes[from].ActorSelection(new RootActorPath(Cluster.Addresses[to]) / "user" / name).ResolveOne(Timeout);

    /// <summary>A sink on node <paramref name="node"/> and what it receives.</summary>
    protected (IActorRef Sink, Deliveries Deliveries) NewSink(int node)
    {
        var deliveries = new Deliveries();
        var sink = Cluster.Nodes[node].ActorOf(Props.Create(() => new Sink(deliveries.Writer)), $"sink-{Guid.NewGuid():N}");
        return (sink, deliveries);
    }

    protected string NodeName(int node) => Cluster.Addresses[node].ToString();

    /// <summary>
    /// Sets every wire-safe kind of value, a RequestContext entry and a process-scoped var in the current
    /// context; returns what a receiver on another node must read.
    /// </summary>
    protected static string SetEverything(string requestId, int seed)
    {
        Vars.RequestId.Set(requestId);
        Vars.Number.Set(seed);
        Vars.Id.Set(new Guid(seed, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11));
        Vars.When.Set(new DateTimeOffset(2030, 1, 2, 3, 4, 5, TimeSpan.FromHours(seed % 12)).AddTicks(seed));
        Vars.Blob.Set([0, 1, (byte)seed, 255, 128]);
        RequestContext.Set(Vars.TenantKey, $"tenant-{seed}");
        Vars.LocalOnly.Set($"local-{seed}");
        return Vars.ExpectedRemotely();
    }
}
