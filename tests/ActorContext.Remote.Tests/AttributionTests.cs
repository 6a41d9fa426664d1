using System.Diagnostics;
using System.Runtime.CompilerServices;
using ActorContext.Akka;
using Akka.Actor;
using Akka.Configuration;
using Akka.Event;

namespace ActorContext.Remote.Tests;

/// <summary>
/// Regression tests for wrong or missing request IDs across nodes: a system created under a context, a cancellation
/// after the send, and decoding that must not grow process-lifetime tables.
/// </summary>
[Collection(nameof(AttributionTests))]
public class AttributionTests
{
    private static readonly ContextVar<string> RequestId = new("attribution-request-id", ContextScope.Distributed);
    private static readonly ContextVar<string> Local = new("attribution-local");

    private const string Dispatchers = """
        fork-join { type = ForkJoinDispatcher, throughput = 30, dedicated-thread-pool.thread-count = 2 }
        pinned { type = PinnedDispatcher }
        """;

    private static ActorSystem Node(string name) => ActorSystem.Create(name, ConfigurationFactory.ParseString("""
        akka.actor.provider = remote
        akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
        akka.loglevel = WARNING
        """ + "\n" + Dispatchers).WithMessageContext());

    private sealed class Echo : ReceiveActor
    {
        public Echo() => ReceiveAny(m => Sender.Tell($"{m}:{RequestId.Get("none")}/{Local.Get("none")}/{Activity.Current?.TraceId.ToString() ?? "none"}"));
    }

    private static async Task<IActorRef> Resolve(ActorSystem from, ActorSystem to, string name) =>
        await from.ActorSelection(new RootActorPath(((ExtendedActorSystem)to).Provider.DefaultAddress) / "user" / name)
            .ResolveOne(TimeSpan.FromSeconds(10));

    [Fact]
    public async Task SystemCreatedUnderAContext_MessagesFromAnotherNodeWithNoContext_SeeNone()
    {
        // The receiving node is created (and its actors started) inside a request's context and Activity.
        ActorSystem b;
        using (var edge = new Activity("creator").Start())
        using (RequestId.Set("x"))
        using (Local.Set("x-local"))
        {
            b = Node("created-under-x");
            b.ActorOf(Props.Create(() => new Echo()), "default");
            b.ActorOf(Props.Create(() => new Echo()).WithDispatcher("fork-join"), "fork-join");
            b.ActorOf(Props.Create(() => new Echo()).WithDispatcher("pinned"), "pinned");
        }

        using var a = await Task.Run(() => Node("sender-a"));
        try
        {
            var mismatches = new List<string>();
            foreach (var name in new[] { "default", "fork-join", "pinned" })
            {
                var echo = await Resolve(a, b, name);
                for (var i = 0; i < 5; i++)
                {
                    var plain = await echo.Ask<string>($"plain-{i}", TimeSpan.FromSeconds(10));
                    if (plain != $"plain-{i}:none/none/none")
                    {
                        mismatches.Add($"{name}: {plain}");
                    }

                    var withId = await new MessageContext().Run(() =>
                    {
                        RequestId.Set($"r-{i}");
                        return echo.Ask<string>($"ctx-{i}", TimeSpan.FromSeconds(10));
                    });
                    if (withId != $"ctx-{i}:r-{i}/none/none")
                    {
                        mismatches.Add($"{name}: {withId}");
                    }
                }
            }

            Assert.Empty(mismatches);
        }
        finally
        {
            await Task.WhenAll(a.Terminate(), b.Terminate());
        }
    }

    private sealed class EventWatcher : ReceiveActor
    {
        public EventWatcher(IActorRef report)
        {
            Receive<string>(_ => global::Akka.Cluster.Cluster.Get(Context.System).Subscribe(Self, typeof(global::Akka.Cluster.ClusterEvent.IMemberEvent)));
            Receive<global::Akka.Cluster.ClusterEvent.CurrentClusterState>(_ => report.Tell($"state:{RequestId.Get("none")}/{Local.Get("none")}"));
            Receive<global::Akka.Cluster.ClusterEvent.IMemberEvent>(e => report.Tell($"{e.GetType().Name}:{RequestId.Get("none")}/{Local.Get("none")}"));
        }
    }

    private static ActorSystem ClusterNode(string name) => ActorSystem.Create(name, ConfigurationFactory.ParseString("""
        akka.actor.provider = cluster
        akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
        akka.loglevel = WARNING
        akka.cluster.min-nr-of-members = 1
        """).WithMessageContext());

    [Fact]
    public async Task ClusterNodeCreatedUnderAContext_ClusterEventsReachUserActorsWithNone()
    {
        ActorSystem b;
        using (RequestId.Set("x"))
        using (Local.Set("x-local"))
        {
            b = ClusterNode("cluster-under-x");
        }

        using var a = await Task.Run(() => ClusterNode("cluster-under-x"));
        try
        {
            var reports = new List<string>();
            var upOnA = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var collector = b.ActorOf(Props.Create(() => new Collect(reports, int.MaxValue, new TaskCompletionSource())));
            b.ActorOf(Props.Create(() => new EventWatcher(collector))).Tell("subscribe");
            var bCluster = global::Akka.Cluster.Cluster.Get(b);
            var aCluster = global::Akka.Cluster.Cluster.Get(a);
            aCluster.RegisterOnMemberUp(() => upOnA.TrySetResult());
            bCluster.Join(bCluster.SelfAddress);
            aCluster.Join(bCluster.SelfAddress);
            await upOnA.Task.WaitAsync(TimeSpan.FromSeconds(30));
            await Task.Delay(500);

            lock (reports)
            {
                Assert.NotEmpty(reports);
                Assert.All(reports, r => Assert.EndsWith(":none/none", r));
            }
        }
        finally
        {
            await Task.WhenAll(a.Terminate(), b.Terminate());
        }
    }

    private sealed class Recorder : ReceiveActor
    {
        public Recorder(IActorRef target) =>
            ReceiveAny(m => target.Tell(m is DeadLetter d ? $"dead:{d.Message}" : $"{m}:{RequestId.Get("none")}"));
    }

    [Fact]
    public async Task CancelAfterTheSend_MessageToANewNode_IsDeliveredNotDropped()
    {
        using var a = Node("cancel-a");
        using var b = Node("cancel-b");
        var results = new List<string>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var collector = b.ActorOf(Props.Create(() => new Collect(results, 20, done)), "collector");
        b.ActorOf(Props.Create(() => new Recorder(collector)), "recorder");
        b.EventStream.Subscribe(b.ActorOf(Props.Create(() => new Recorder(collector))), typeof(DeadLetter));

        // The ref is made from the path without asking the other node first, so the first sends travel on an endpoint
        // that is still being set up: they are serialized after the Cancel below.
        var path = new RootActorPath(((ExtendedActorSystem)b).Provider.DefaultAddress) / "user" / "recorder";
        var recorder = ((ExtendedActorSystem)a).Provider.ResolveActorRef(path);
        for (var i = 0; i < 10; i++)
        {
            new MessageContext().Run(() =>
            {
                RequestId.Set($"c-{i}");
                var flow = FlowDeadline.WithCancellation();
                recorder.Tell($"before-{i}");
                flow.Cancel();
                recorder.Tell($"after-{i}");
            });
        }

        await done.Task.WaitAsync(TimeSpan.FromSeconds(20));
        lock (results)
        {
            // Sent before the cancel: delivered with their own ID. Sent after it: the flow was cancelled when they were
            // sent, so they are dropped on arrival (dead letters), never delivered.
            var expected = Enumerable.Range(0, 10).SelectMany(i => new[] { $"before-{i}:c-{i}", $"dead:after-{i}" }).Order().ToList();
            Assert.Equal(expected, results.Order().ToList());
        }

        await Task.WhenAll(a.Terminate(), b.Terminate());
    }

    private sealed class Collect : ReceiveActor
    {
        public Collect(List<string> results, int expected, TaskCompletionSource done) =>
            Receive<string>(s =>
            {
                lock (results)
                {
                    results.Add(s);
                    if (results.Count == expected)
                    {
                        done.TrySetResult();
                    }
                }
            });
    }

    private sealed class Count : ReceiveActor
    {
        private int _seen;

        public Count(int expected, TaskCompletionSource done) =>
            Receive<int>(_ =>
            {
                if (++_seen == expected)
                {
                    done.TrySetResult();
                }
            });
    }

    [Fact]
    public async Task RequestContextKeys_ManyDistinctFromAnotherNode_DoNotGrowTheHeap()
    {
        using var a = Node("keys-a");
        using var b = Node("keys-b");
        const int warmUp = 2_000;
        const int count = 100_000;
        var warmed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        b.ActorOf(Props.Create(() => new Count(warmUp, warmed)), "warm");
        b.ActorOf(Props.Create(() => new Count(count, done)), "count");
        var warm = await Resolve(a, b, "warm");
        var counter = await Resolve(a, b, "count");

        await SendWithNewKeys(warm, warmUp, "w");
        await warmed.Task.WaitAsync(TimeSpan.FromSeconds(60));
        var before = Heap();

        await SendWithNewKeys(counter, count, "k");
        await done.Task.WaitAsync(TimeSpan.FromSeconds(120));
        var after = Heap();

        // 100,000 interned keys took ~10 MB before the fix; the association must still be up.
        Assert.True(after - before < 6_000_000, $"heap grew by {(after - before) / 1024} KiB over {count} messages with new keys");
        Assert.Equal("ok:none/none/none", await (await Task.Run(async () =>
        {
            b.ActorOf(Props.Create(() => new Echo()), "echo-after");
            return await Resolve(a, b, "echo-after");
        })).Ask<string>("ok", TimeSpan.FromSeconds(10)));
        await Task.WhenAll(a.Terminate(), b.Terminate());
    }

    private static async Task SendWithNewKeys(IActorRef target, int count, string prefix)
    {
        for (var i = 0; i < count; i++)
        {
            var key = $"{prefix}-{Guid.NewGuid():N}";
            new MessageContext().Run(() =>
            {
                RequestContext.Set(key, "v");
                target.Tell(i);
            });

            if (i % 5_000 == 4_999)
            {
                await Task.Delay(50); // let the endpoint drain rather than buffering everything
            }
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static long Heap()
    {
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        return GC.GetTotalMemory(forceFullCollection: true);
    }
}

/// <summary>The heap test measures the whole process: nothing else runs beside it.</summary>
[CollectionDefinition(nameof(AttributionTests), DisableParallelization = true)]
public sealed class AttributionTestsCollection;
