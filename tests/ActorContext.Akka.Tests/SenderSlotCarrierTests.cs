using ActorContext.Akka.Internal;
using Akka.Actor;
using Xunit.Abstractions;

namespace ActorContext.Akka.Tests;

/// <summary>
/// A local message travels bare, its context in the envelope's sender slot: the receiver sees the message itself as
/// <c>CurrentMessage</c> and the real sender as <c>Sender</c>, and one carrier serves every message a sender sends under
/// one context.
/// </summary>
public class SenderSlotCarrierTests(ITestOutputHelper output) : PropagationTestKit(output)
{
    private sealed record Ping(int N);

    private sealed record Seen(object? CurrentMessage, IActorRef Sender, string Id);

    private sealed class Recorder(IActorRef probe) : UntypedActor
    {
        protected override void OnReceive(object message) =>
            probe.Tell(new Seen(((ActorCell)Context).CurrentMessage, Sender, SeenId()));
    }

    [Fact]
    public void Tell_UnderAContext_ArrivesBareWithTheRealSenderAndTheContext()
    {
        var recorder = Sys.ActorOf(Props.Create(() => new Recorder(TestActor)));
        var sender = CreateTestProbe().Ref;
        var message = new Ping(1);

        WithId("carried", () => recorder.Tell(message, sender));

        var seen = ExpectMsg<Seen>();
        Assert.Same(message, seen.CurrentMessage);
        Assert.Same(sender, seen.Sender);
        Assert.Equal("carried", seen.Id);
    }

    [Fact]
    public void Tell_UnderAContextWithNoSender_SenderIsDeadLettersAsInAkka()
    {
        var recorder = Sys.ActorOf(Props.Create(() => new Recorder(TestActor)));

        WithId("nobody", () => recorder.Tell(new Ping(2), ActorRefs.NoSender));

        var seen = ExpectMsg<Seen>();
        Assert.Same(Sys.DeadLetters, seen.Sender);
        Assert.Equal("nobody", seen.Id);
    }

    [Fact]
    public async Task Carry_NoSenderOneContext_OneCarrierForEveryMessageAndNoAllocation()
    {
        long allocated = -1;
        IActorRef? first = null, second = null, otherContext = null;

        // A thread outside any actor, sending with no sender (an edge): one carrier per context (NoSenderCarriers).
        await Task.Run(() =>
        {
            WithId("one", () =>
            {
                first = MessageWithContext.Carry(new Ping(3), ActorRefs.NoSender);
                second = MessageWithContext.Carry(new Ping(4), ActorRefs.NoSender);
                for (var i = 0; i < 100; i++)
                {
                    MessageWithContext.Carry(new Ping(i), ActorRefs.NoSender); // warm up (tiered JIT)
                }

                var message = new Ping(5);
                var before = GC.GetAllocatedBytesForCurrentThread();
                for (var i = 0; i < 10_000; i++)
                {
                    if (!ReferenceEquals(MessageWithContext.Carry(message, ActorRefs.NoSender), first))
                    {
                        throw new InvalidOperationException("a new carrier");
                    }
                }

                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            });
            WithId("two", () => otherContext = MessageWithContext.Carry(new Ping(7), ActorRefs.NoSender));
        });

        Assert.Null(Assert.IsType<SenderSlotCarrier>(first).Sender);
        Assert.Same(first, second);
        Assert.Equal(0, allocated);
        Assert.NotSame(first, Assert.IsType<SenderSlotCarrier>(otherContext));
    }

    [Fact]
    public void Carry_NoSender_SameCarrierOnAnyThread_AndTheThreadKeepsNothingOfTheContext()
    {
        WeakReference? payload = null;
        var same = false;
        var alive = true;
        var thread = new Thread(() =>
        {
            (payload, same) = SendUnderAPayload();
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            alive = payload.IsAlive; // checked on the sending thread, whose statics would be the ones to keep it
        });
        thread.Start();
        thread.Join();

        Assert.True(same, "two threads sending under one context got different carriers");
        Assert.False(alive, "a thread that sent with no sender still keeps the context it sent under");
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static (WeakReference Payload, bool Same) SendUnderAPayload()
    {
        var payload = new byte[1 << 20];
        var flow = new MessageContext().Run(() =>
        {
            Bytes.Set(payload);
            return MessageContext.CopyCurrent();
        });
        IActorRef? here = null, elsewhere = null;
        flow.Run(() => here = MessageWithContext.Carry(new Ping(8), ActorRefs.NoSender));
        Task.Run(() => flow.Run(() => elsewhere = MessageWithContext.Carry(new Ping(9), ActorRefs.NoSender))).Wait();
        Assert.IsType<SenderSlotCarrier>(here);
        return (new WeakReference(payload), ReferenceEquals(here, elsewhere));
    }

    private static readonly ContextVar<byte[]> Bytes = new("bytes");

    [Fact]
    public void Carry_SenderNotAnActorOfThisSystem_NewCarrierEveryTimeSoNoCacheKeepsIt()
    {
        IActorRef? first = null, second = null;

        WithId("foreign", () =>
        {
            first = MessageWithContext.Carry(new Ping(8), ActorRefs.Nobody);
            second = MessageWithContext.Carry(new Ping(9), ActorRefs.Nobody);
        });

        Assert.Same(ActorRefs.Nobody, Assert.IsType<SenderSlotCarrier>(first).Sender);
        Assert.NotSame(first, second);
    }

    private sealed record Report(bool SameCarrier, bool KeptByCell);

    /// <summary>Sends two fresh messages from Receive with itself as sender and reports the carriers.</summary>
    private sealed class SelfSender : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            var first = MessageWithContext.Carry(new Ping(10), Self);
            var second = MessageWithContext.Carry(new Ping(11), Self);
            var cell = Self switch
            {
                ContextRepointableActorRef repointable => repointable.ContextCell,
                ContextLocalActorRef local => local.ContextCell,
                _ => null,
            };
            Sender.Tell(new Report(ReferenceEquals(first, second) && first is SenderSlotCarrier, ReferenceEquals(cell?.Carrier, first)));
        }
    }

    [Fact]
    public void Carry_FromReceiveWithSelfAsSender_TheCellKeepsOneCarrier()
    {
        var actor = Sys.ActorOf(Props.Create(() => new SelfSender()));

        WithId("cell", () => actor.Tell("go", TestActor));

        var report = ExpectMsg<Report>();
        Assert.True(report.SameCarrier, "two messages from one sender under one context should share a carrier");
        Assert.True(report.KeptByCell, "the sending actor's cell should keep the carrier");
    }

    private sealed class Payload
    {
        public readonly byte[] Data = new byte[1000];
    }

    private static readonly ContextVar<Payload> Big = new("big");

    private sealed class SendOnce(IActorRef target, IActorRef report) : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            target.Tell("hello", Self);
            report.Tell("done", Self);
        }
    }

    /// <summary>The same, for an actor that stashes (it keeps the handled message's context for its stash).</summary>
    private sealed class StashingSendOnce(IActorRef target, IActorRef report) : UntypedActor, IWithUnboundedStash
    {
        public IStash Stash { get; set; } = null!;

        protected override void OnReceive(object message)
        {
            target.Tell("hello", Self);
            report.Tell("done", Self);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void StoppedActor_ItsRefKeepsNoContextOfItsLastSend(bool stashes)
    {
        var target = CreateTestProbe().Ref;
        var actor = Sys.ActorOf(stashes
            ? Props.Create(() => new StashingSendOnce(target, TestActor))
            : Props.Create(() => new SendOnce(target, TestActor)));
        var payload = SendUnderContext(actor);
        ExpectMsg("done");
        Watch(actor);

        Sys.Stop(actor);
        ExpectTerminated(actor);

        AssertCollected(payload, "the context of a stopped actor's last send is still reachable through its ref");
        GC.KeepAlive(actor);
    }

    private sealed class ForwardOnce(IActorRef next, IActorRef report) : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            next.Forward(message);
            report.Tell("done");
        }
    }

    private sealed class Idle : UntypedActor
    {
        protected override void OnReceive(object message)
        {
        }
    }

    [Fact]
    public void SendNamingAnotherLocalActorAsSender_ThatActorKeepsNoContextOfIt()
    {
        var idle = Sys.ActorOf(Props.Create(() => new Idle()));
        var sink = Sys.ActorOf(Props.Create(() => new Idle()));
        var forwarder = Sys.ActorOf(Props.Create(() => new ForwardOnce(sink, TestActor)));

        // The edge names `idle` as sender; the forwarder forwards with it as sender too.
        var payload = SendUnderContext(forwarder, idle);
        ExpectMsg("done");
        Watch(forwarder);
        Watch(sink);
        Sys.Stop(forwarder);
        Sys.Stop(sink);
        ExpectMsg<Terminated>();
        ExpectMsg<Terminated>();

        AssertCollected(payload, "an idle actor keeps the context of sends others made in its name");
        GC.KeepAlive(idle);
    }

    private static void AssertCollected(WeakReference payload, string because)
    {
        for (var i = 0; i < 5 && payload.IsAlive; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
            Thread.Sleep(50);
        }

        Assert.False(payload.IsAlive, because);
    }

    /// <summary>
    /// Tells <paramref name="actor"/> under a context holding a payload, from a thread that then ends (so its own carrier
    /// slot goes with it), with no sender unless <paramref name="sender"/> is given.
    /// </summary>
    private static WeakReference SendUnderContext(IActorRef actor, IActorRef? sender = null)
    {
        WeakReference? weak = null;
        var edge = new Thread(() => new MessageContext().Run(() =>
        {
            var payload = new Payload();
            weak = new WeakReference(payload);
            Big.Set(payload);
            actor.Tell("go", sender ?? ActorRefs.NoSender);
        }));
        edge.Start();
        edge.Join();
        return weak!;
    }

    /// <summary>
    /// An actor re-sending from its Receive: first under the handled message's context (the thread's ExecutionContext is
    /// then the one the cell installed, which the send recognises without a lookup), then after changing a var, after
    /// putting it back, inside another flow's ExecutionContext, and after clearing it. Each send carries what is current.
    /// </summary>
    private sealed class Resender(IActorRef target, ExecutionContext other) : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            target.Tell(new Ping(0), Self);
            target.Tell(new Ping(1), Self); // the carrier of Ping(0), found through the thread's ExecutionContext
            var token = PropagationTestKit.RequestId.Set("changed-in-receive");
            target.Tell(new Ping(2), Self);
            token.Dispose();
            target.Tell(new Ping(3), Self);
            ExecutionContext.Run(other, _ => target.Tell(new Ping(4), Self), null);
            target.Tell(new Ping(5), Self);
            using (ExecutionContext.SuppressFlow())
            {
                // Flow suppressed: the thread's ExecutionContext says nothing, the value is looked up.
                target.Tell(new Ping(6), Self);
            }

            new MessageContext().Run(() => target.Tell(new Ping(7), Self));
            target.Tell(new Ping(8), Self);
        }
    }

    private sealed class PingRecorder(IActorRef probe) : UntypedActor
    {
        protected override void OnReceive(object message) => probe.Tell($"{((Ping)message).N}:{SeenId()}");
    }

    [Fact]
    public void SendsFromReceive_AfterTheContextChangesThere_EachCarryWhatIsCurrentAtTheSend()
    {
        ExecutionContext? other = null;
        WithId("other-flow", () => other = ExecutionContext.Capture());
        var recorder = Sys.ActorOf(Props.Create(() => new PingRecorder(TestActor)));
        var resender = Sys.ActorOf(Props.Create(() => new Resender(recorder, other!)));

        // Twice: the second message finds the carrier and ExecutionContext the first one left.
        for (var round = 0; round < 2; round++)
        {
            WithId("handled", () => resender.Tell("go", ActorRefs.NoSender));
            ExpectPings("handled", "handled", "changed-in-receive", "handled", "other-flow", "handled", "handled", "none", "handled");
        }

        // A message with no context: the actor's sends carry none, though its cell still keeps the last carrier.
        resender.Tell("go", ActorRefs.NoSender);
        ExpectPings("none", "none", "changed-in-receive", "none", "other-flow", "none", "none", "none", "none");
    }

    /// <summary>Expects Ping(0), Ping(1), ... in order, each read under the request id given for it.</summary>
    private void ExpectPings(params string[] ids)
    {
        for (var n = 0; n < ids.Length; n++)
        {
            Assert.Equal($"{n}:{ids[n]}", ExpectMsg<string>());
        }
    }

    [Fact]
    public void ToString_CountsOnlyTheEntriesUsersSee_NotTheDeadline()
    {
        var sender = CreateTestProbe().Ref;
        object? carrier = null, envelope = null;

        WithId("shown", () =>
        {
            using (FlowDeadline.WithTimeout(TimeSpan.FromMinutes(1)))
            {
                carrier = MessageWithContext.Carry(new Ping(19), sender);
                envelope = MessageWithContext.Wrap(new Ping(19), sender);
            }
        });

        Assert.EndsWith("(with context of 1 entries)", carrier!.ToString());
        Assert.EndsWith("(with context of 1 entries)", envelope!.ToString());
    }

    [Fact]
    public void Carry_EmptyContextOrCarrierAlready_ReturnsTheSenderItself()
    {
        var sender = CreateTestProbe().Ref;
        IActorRef? empty = null, carried = null, again = null;

        new MessageContext().Run(() => empty = MessageWithContext.Carry(new Ping(20), sender));
        WithId("x", () =>
        {
            carried = MessageWithContext.Carry(new Ping(21), sender);
            again = MessageWithContext.Carry(new Ping(22), carried);
        });

        Assert.Same(sender, empty);
        Assert.Same(carried, again);
    }

    [Fact]
    public void Carrier_SeenOutsideTheCell_BehavesAsTheRealSender()
    {
        var probe = CreateTestProbe();
        IActorRef? carrier = null;
        WithId("leak", () => carrier = MessageWithContext.Carry(new Ping(30), probe.Ref));

        Assert.IsType<SenderSlotCarrier>(carrier);
        Assert.Equal(probe.Ref.Path, carrier!.Path);
        Assert.True(carrier.Equals(probe.Ref));
        Assert.True(probe.Ref.Equals(carrier));
        Assert.Equal(probe.Ref.GetHashCode(), carrier.GetHashCode());
        Assert.Equal(0, carrier.CompareTo(probe.Ref));
        carrier.Tell("through", TestActor);
        Assert.Equal("through", probe.ExpectMsg<string>());
    }
}
