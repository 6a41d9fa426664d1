using System.Collections.Concurrent;
using ActorContext.Remote.Tests.Support;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;

namespace ActorContext.Remote.Tests;

/// <summary>A fourth node joins and leaves while requests keep flowing between the three others.</summary>
[Collection(ClusterCollection.Name)]
public sealed class NodeLeavingTests(ClusterFixture cluster) : ClusterTest(cluster)
{
    [Fact]
    public async Task NodeLeavingMidRun_RequestsAmongTheRemainingNodes_AllAnsweredWithTheirOwnContext()
    {
        var fourth = ClusterFixture.StartNode(role: null, minMembers: 1);
        var fourthAddress = global::Akka.Cluster.Cluster.Get(fourth).SelfAddress;
        try
        {
            global::Akka.Cluster.Cluster.Get(fourth).Join(Cluster.Addresses[0]);
            await Wait.UntilAsync(
                () => ClusterFixture.AllUp(fourth, 4) && Cluster.Nodes.All(static n => ClusterFixture.AllUp(n, 4)),
                ClusterFixture.FormTimeout,
                "the fourth node Up everywhere");
            fourth.ActorOf(Props.Create<Reporter>(), "reporter");

            // Loads Cluster.Tools' serializers, so the others' pub/sub gossip to this node is understood.
            _ = DistributedPubSub.Get(fourth).Mediator;

            // Entities with a home already, so sharding traffic goes straight to them.
            var entities = Enumerable.Range(0, 6).Select(static i => ($"leave-{i}", $"leave-shard-{i}")).ToArray();
            foreach (var (entity, shard) in entities)
            {
                await Cluster.Regions[0].Ask<Report>(new EntityProbe(entity, shard, "warm-up", null), Timeout);
            }

            var counted = new[]
            {
                new Traffic("1->2", await RefAsync(0, 1), null, NodeName(0)),
                new Traffic("2->1", await RefAsync(1, 0), null, NodeName(1)),
                new Traffic("3->2", await RefAsync(2, 1), null, NodeName(2)),
                new Traffic("region-1", Cluster.Regions[0], entities, NodeName(0)),
            };
            var toLeaving = new Traffic(
                "1->4", await Cluster.Nodes[0].ActorSelection(new RootActorPath(fourthAddress) / "user" / "reporter").ResolveOne(Timeout), null, NodeName(0));
            using var stop = new CancellationTokenSource();
            var loops = counted.Append(toLeaving).Select(t => Task.Run(() => t.RunAsync(stop.Token))).ToArray();

            await Wait.UntilAsync(() => counted.All(static t => t.Answered >= 5), ClusterFixture.FormTimeout, "traffic flowing before the leave");
            var beforeLeave = counted.Sum(static t => t.Answered);

            await global::Akka.Cluster.Cluster.Get(fourth).LeaveAsync().WaitAsync(ClusterFixture.FormTimeout);
            await Wait.UntilAsync(
                () => Cluster.Nodes.All(n => global::Akka.Cluster.Cluster.Get(n).State.Members.All(m => m.Address != fourthAddress)),
                ClusterFixture.FormTimeout,
                "the fourth node removed everywhere");
            await fourth.Terminate().WaitAsync(ClusterFixture.FormTimeout);
            var atRemoval = counted.Sum(static t => t.Answered);

            await Wait.UntilAsync(() => counted.Sum(static t => t.Answered) >= atRemoval + 40, ClusterFixture.FormTimeout, "traffic flowing after the leave");
            await stop.CancelAsync();
            await Task.WhenAll(loops).WaitAsync(ClusterFixture.FormTimeout);

            Assert.True(atRemoval > beforeLeave, "requests were answered while the node was leaving");
            foreach (var traffic in counted)
            {
                Assert.True(traffic.Problems.IsEmpty, $"{traffic.Name}: {traffic.Answered} answered, {traffic.Problems.Count} problems, first ones:\n{string.Join('\n', traffic.Problems.Take(10))}");
                Assert.True(traffic.Answered > 0, $"{traffic.Name}: no request answered");
            }
        }
        finally
        {
            await fourth.Terminate().WaitAsync(ClusterFixture.FormTimeout);
        }
    }
}

/// <summary>
/// One stream of requests, each in its own context, checking that the receiver saw exactly that context (the
/// process-scoped var included when the receiver runs on the sending node, excluded otherwise).
/// </summary>
internal sealed class Traffic(string name, IActorRef target, (string Entity, string Shard)[]? entities, string senderNode)
{
    private int _answered;

    public string Name { get; } = name;

    public int Answered => Volatile.Read(ref _answered);

    public ConcurrentQueue<string> Problems { get; } = new();

    public async Task RunAsync(CancellationToken stop)
    {
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var requestId = $"r-{Name}-{i}";
            object message = entities is null
                ? new Probe(requestId)
                : new EntityProbe(entities[i % entities.Length].Entity, entities[i % entities.Length].Shard, requestId, null);
            try
            {
                var (remotely, locally, report) = await new MessageContext().Run(async () =>
                {
                    Vars.RequestId.Set(requestId);
                    Vars.Number.Set(i);
                    Vars.LocalOnly.Set(requestId);
                    return (Vars.ExpectedRemotely(), Vars.Reading(), await target.Ask<Report>(message, TimeSpan.FromSeconds(5)));
                });
                var expected = report.Node == senderNode ? locally : remotely;
                if (report.Reading != expected)
                {
                    Problems.Enqueue($"{requestId} on {report.Node}: expected {expected}, read {report.Reading}");
                }

                Interlocked.Increment(ref _answered);
            }
            catch (AskTimeoutException ex)
            {
                Problems.Enqueue($"{requestId}: {ex.Message}");
            }
        }
    }
}
