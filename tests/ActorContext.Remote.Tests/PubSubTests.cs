using ActorContext.Remote.Tests.Support;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;

namespace ActorContext.Remote.Tests;

/// <summary>Distributed Pub/Sub: Publish to subscribers on other nodes and Send to a registered actor on another node.</summary>
[Collection(ClusterCollection.Name)]
public sealed class PubSubTests(ClusterFixture cluster) : ClusterTest(cluster)
{
    private static readonly TimeSpan GossipTimeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Publish_FromNode1_SubscribersOnOtherNodesSeeThePublishersContext()
    {
        var topic = $"topic-{Guid.NewGuid():N}";
        var deliveries = new Deliveries();
        foreach (var node in new[] { 1, 2 })
        {
            Cluster.Nodes[node].ActorOf(Props.Create(() => new TopicSubscriber(topic, deliveries.Writer)), $"subscriber-{Guid.NewGuid():N}");
        }

        var acks = new HashSet<string>();
        while (acks.Count < 2)
        {
            acks.Add((await deliveries.WaitForAsync(static d => d.Message is SubscribeAck, Timeout, "both subscribe acks")).Node);
        }

        // The subscriptions reach node 1 by gossip: publish (each attempt in its own context) until both got one.
        var mediator = DistributedPubSub.Get(Cluster.Nodes[0]).Mediator;
        var expected = new Dictionary<string, string>();
        var receivedOn = new HashSet<string>();
        var deadline = DateTime.UtcNow + GossipTimeout;
        for (var attempt = 0; receivedOn.Count < 2; attempt++)
        {
            Assert.True(DateTime.UtcNow < deadline, $"published messages did not reach both subscribers within {GossipTimeout.TotalSeconds} s (reached: {string.Join(", ", receivedOn)})");
            var tag = $"publish-{attempt}";
            expected[tag] = new MessageContext().Run(() =>
            {
                var reading = SetEverything($"r-publish-{attempt}", 100 + attempt);
                mediator.Tell(new Publish(topic, new Probe(tag)));
                return reading;
            });

            while (await deliveries.TryWaitForAsync(static d => d.Message is Probe, TimeSpan.FromMilliseconds(200)) is { } delivered)
            {
                receivedOn.Add(delivered.Node);
            }
        }

        var probes = deliveries.Drain().Where(static d => d.Message is Probe).ToList();
        Assert.NotEmpty(probes);
        foreach (var delivered in probes)
        {
            Assert.NotEqual(NodeName(0), delivered.Node);
            Assert.Equal(expected[((Probe)delivered.Message).Tag], delivered.Reading);
        }
    }

    [Fact]
    public async Task Send_FromNode1_ToAnActorRegisteredOnNode2_ReceiverSeesTheSendersContext()
    {
        var name = $"send-target-{Guid.NewGuid():N}";
        var target = Cluster.Nodes[1].ActorOf(Props.Create<Reporter>(), name);
        DistributedPubSub.Get(Cluster.Nodes[1]).Mediator.Tell(new Put(target));
        var mediator = DistributedPubSub.Get(Cluster.Nodes[0]).Mediator;

        // The registration reaches node 1 by gossip: retry (each attempt in its own context) until one is answered.
        var deadline = DateTime.UtcNow + GossipTimeout;
        for (var attempt = 0; ; attempt++)
        {
            Assert.True(DateTime.UtcNow < deadline, $"Send did not reach the registered actor within {GossipTimeout.TotalSeconds} s");
            try
            {
                var (expected, report) = await new MessageContext().Run(async () =>
                {
                    var reading = SetEverything($"r-send-{attempt}", 200 + attempt);
                    return (reading, await mediator.Ask<Report>(new Send($"/user/{name}", new Probe($"send-{attempt}"), localAffinity: false), TimeSpan.FromMilliseconds(300)));
                });

                Assert.Equal(NodeName(1), report.Node);
                Assert.Equal(expected, report.Reading);
                return;
            }
            catch (AskTimeoutException)
            {
            }
        }
    }
}
