using ActorContext.Remote.Tests.Support;
using Akka.Actor;

namespace ActorContext.Remote.Tests;

/// <summary>Tell, Forward, Ask and replies, ActorSelection and remote deployment between cluster nodes.</summary>
[Collection(ClusterCollection.Name)]
public sealed class MessagingTests(ClusterFixture cluster) : ClusterTest(cluster)
{
    [Fact]
    public async Task Tell_ToOtherNodes_EachReceiverSeesItsSendersContext_AndNothingLeaksBetweenMessages()
    {
        var (sink, deliveries) = NewSink(0);
        var targets = new[] { await RefAsync(0, 1), await RefAsync(0, 2) };
        var expected = new Dictionary<string, (string Reading, int Node)>();

        for (var i = 0; i < 20; i++)
        {
            var target = i % 2;
            var tag = $"tell-{i}";
            if (i % 3 == 2)
            {
                // No context at all: the receiver must see none, not the previous message's.
                targets[target].Tell(new Probe(tag), sink);
                expected[tag] = (new MessageContext().Run(Vars.ExpectedRemotely), target + 1);
                continue;
            }

            expected[tag] = new MessageContext().Run(() =>
            {
                var reading = SetEverything($"r-tell-{i}", i);
                targets[target].Tell(new Probe(tag), sink);
                return (reading, target + 1);
            });
        }

        for (var received = 0; received < expected.Count; received++)
        {
            await deliveries.WaitForAsync(static d => d.Message is Report, Timeout, $"report {received + 1} of {expected.Count}");
        }

        foreach (var report in deliveries.Seen.Select(static d => (Report)d.Message))
        {
            Assert.Equal(NodeName(expected[report.Tag].Node), report.Node);
            Assert.Equal(expected[report.Tag].Reading, report.Reading);
        }
    }

    [Fact]
    public async Task Forward_ViaAnotherNode_FinalReceiverSeesTheOriginalContext_AndAnswersTheOriginalSender()
    {
        var viaNode2 = await RefAsync(0, 1);
        var onNode3 = await RefAsync(0, 2);

        var (expected, report) = await new MessageContext().Run(async () =>
        {
            var reading = SetEverything("r-forward", 7);
            return (reading, await viaNode2.Ask<Report>(new ForwardTo(onNode3, new Probe("forwarded")), Timeout));
        });

        Assert.Equal(NodeName(2), report.Node);
        Assert.Equal(expected, report.Reading);
    }

    [Fact]
    public async Task Ask_AcrossNodes_CalleeSeesTheCallersContext_AndTheCallerKeepsItsOwnAfterTheAwait()
    {
        var target = await RefAsync(2, 1);

        var (expected, report, before, after) = await new MessageContext().Run(async () =>
        {
            var expectedRemotely = SetEverything("r-ask", 11);
            var mine = Vars.Reading();
            var reply = await target.Ask<Report>(new ChangeAndReply("asked", "set-by-replier", null), Timeout);
            return (expectedRemotely, reply, mine, Vars.Reading());
        });

        Assert.Equal(NodeName(1), report.Node);
        Assert.Equal(expected.Replace("rid=r-ask", "rid=set-by-replier").Replace("reply=-", $"reply=replier@{NodeName(1)}"), report.Reading);
        Assert.Equal(before, after);
        Assert.Contains("rid=r-ask", after);
    }

    [Fact]
    public async Task Ask_FromInsideAnActor_ReplierContextDoesNotFlowBackIntoTheAwaitingActor()
    {
        var asker = Cluster.Nodes[0].ActorOf(Props.Create<Asker>(), $"asker-{Guid.NewGuid():N}");
        var target = await RefAsync(0, 2);

        var (sent, outcome) = await new MessageContext().Run(async () =>
        {
            Vars.RequestId.Set("r-asker");
            return (Vars.Reading(), await asker.Ask<AskOutcome>(new AskThrough(target, "through-actor", "replier-own-id"), Timeout));
        });

        Assert.Equal(sent, outcome.Before);
        Assert.Equal(NodeName(2), outcome.Reply.Node);
        Assert.Contains("rid=replier-own-id", outcome.Reply.Reading);
        Assert.Equal(outcome.Before, outcome.After);
    }

    [Fact]
    public async Task TellReply_ToANormalActorOnTheAskingNode_CarriesTheRepliersContext()
    {
        var (sink, deliveries) = NewSink(0);
        var replier = await RefAsync(0, 1);

        new MessageContext().Run(() =>
        {
            Vars.RequestId.Set("r-request");
            replier.Tell(new ChangeAndReply("reply", "r-changed-by-replier", sink));
        });

        var delivered = await deliveries.WaitForAsync(static d => d.Message is Report, Timeout, "the reply");
        var report = (Report)delivered.Message;
        Assert.Equal(NodeName(1), report.Node);

        // What the replier had when it told the reply is what the sink on node 1 reads.
        Assert.Equal(report.Reading, delivered.Reading);
        Assert.Contains("rid=r-changed-by-replier", delivered.Reading);
        Assert.Contains($"reply=replier@{NodeName(1)}", delivered.Reading);
    }

    [Fact]
    public async Task ActorSelection_ByPathOnAnotherNode_TellAndAsk_ReceiverSeesTheSendersContext()
    {
        var (sink, deliveries) = NewSink(0);
        var selection = Cluster.Nodes[0].ActorSelection(new RootActorPath(Cluster.Addresses[2]) / "user" / "reporter");

        var told = new MessageContext().Run(() =>
        {
            var reading = SetEverything("r-selection-tell", 21);
            selection.Tell(new Probe("selection-tell"), sink);
            return reading;
        });
        var (asked, askReport) = await new MessageContext().Run(async () =>
        {
            var reading = SetEverything("r-selection-ask", 22);
            return (reading, await selection.Ask<Report>(new Probe("selection-ask"), Timeout));
        });

        var tellReport = (Report)(await deliveries.WaitForAsync(static d => d.Message is Report, Timeout, "the selection's report")).Message;
        Assert.Equal(NodeName(2), tellReport.Node);
        Assert.Equal(told, tellReport.Reading);
        Assert.Equal(NodeName(2), askReport.Node);
        Assert.Equal(asked, askReport.Reading);
    }

    [Fact]
    public async Task RemoteDeployedTopLevelActor_RunsOnTheOtherNode_AndSeesEachMessagesContext()
    {
        var deployed = Cluster.Nodes[0].ActorOf(
            Props.Create<Reporter>().WithDeploy(new Deploy(new RemoteScope(Cluster.Addresses[1]))), $"deployed-{Guid.NewGuid():N}");

        var (expected, report) = await new MessageContext().Run(async () =>
        {
            var reading = SetEverything("r-to-deployed", 32);
            return (reading, await deployed.Ask<Report>(new Probe("deployed"), Timeout));
        });
        var plain = await deployed.Ask<Report>(new Probe("plain"), Timeout);

        Assert.Equal(NodeName(1), report.Node);
        Assert.Equal(expected, report.Reading);
        Assert.Equal(new MessageContext().Run(Vars.ExpectedRemotely), plain.Reading);
    }

    [Fact]
    public async Task RemoteDeployedTopLevelActor_PreStartSeesNoContext_KnownLimitation()
    {
        // Documented limitation (README, Limitations): Akka sends the deployment to the other node's remote daemon,
        // which propagation does not reach, so the remote-deployed actor's constructor and PreStart run with no
        // context. Messages to it carry contexts as usual (tested below). This test pins the behaviour down.
        var props = Props.Create<Reporter>().WithDeploy(new Deploy(new RemoteScope(Cluster.Addresses[1])));
        var (creator, deployed) = new MessageContext().Run(() =>
        {
            var reading = SetEverything("r-creator", 31);
            return (reading, Cluster.Nodes[0].ActorOf(props, $"deployed-{Guid.NewGuid():N}"));
        });

        var preStart = await deployed.Ask<Report>(new PreStartReading("prestart"), Timeout);

        Assert.Equal(NodeName(1), preStart.Node);
        Assert.NotEqual(creator, preStart.Reading);
        Assert.Equal(new MessageContext().Run(() => Vars.Reading()), preStart.Reading);
    }

    [Fact]
    public async Task RemoteDeployedChild_CreatedInsideReceive_RunsOnTheOtherNode_AndSeesEachMessagesContext()
    {
        var parent = Cluster.Nodes[0].ActorOf(Props.Create<Parent>(), $"parent-{Guid.NewGuid():N}");
        var child = await parent.Ask<IActorRef>(new SpawnRemoteChild("child", Cluster.Addresses[2]), Timeout);

        var (expected, report) = await new MessageContext().Run(async () =>
        {
            var reading = SetEverything("r-to-child", 42);
            return (reading, await child.Ask<Report>(new Probe("child"), Timeout));
        });

        Assert.Equal(NodeName(2), report.Node);
        Assert.Equal(expected, report.Reading);
    }

    [Fact]
    public async Task RemoteDeployedChild_CreatedInsideReceive_PreStartSeesNoContext_KnownLimitation()
    {
        // See RemoteDeployedTopLevelActor_PreStartSeesNoContext_KnownLimitation.
        var parent = Cluster.Nodes[0].ActorOf(Props.Create<Parent>(), $"parent-{Guid.NewGuid():N}");
        var (creator, child) = await new MessageContext().Run(async () =>
        {
            var reading = SetEverything("r-parent-message", 41);
            return (reading, await parent.Ask<IActorRef>(new SpawnRemoteChild("child", Cluster.Addresses[2]), Timeout));
        });

        var preStart = await child.Ask<Report>(new PreStartReading("prestart"), Timeout);

        Assert.Equal(NodeName(2), preStart.Node);
        Assert.NotEqual(creator, preStart.Reading);
        Assert.Equal(new MessageContext().Run(() => Vars.Reading()), preStart.Reading);
    }
}
