using System.Collections.Immutable;
using Akka.Actor;
using Xunit.Abstractions;

namespace ActorContext.Akka.Tests;

/// <summary>
/// Requirements 1 and 2: Tell from the edge and from inside Receive, chains of mixed actors, and no leak between
/// messages of one mailbox run (also around exceptions, Resume and Restart).
/// </summary>
public class TellAndChainTests(ITestOutputHelper output) : PropagationTestKit(output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    // ---------------------------------------------------------------- helpers

    // ---------------------------------------------------------------- messages

    private sealed record Block(string Tag);

    private sealed record Report(string Tag);

    private sealed record SetThenReport(string Tag);

    private sealed record Fail(string Tag);

    private sealed record Saw(string Tag, string Values, int Thread);

    private sealed record Restarting(object? Message, int Thread);

    // ---------------------------------------------------------------- actors

    private sealed class UntypedEcho(IActorRef probe) : UntypedActor
    {
        protected override void OnReceive(object message) => probe.Tell($"{message}:{Values()}");
    }

    private sealed class EchoWithChild : ReceiveActor
    {
        public EchoWithChild(IActorRef probe)
        {
            Context.ActorOf(Props.Create(() => new UntypedEcho(probe)), "inner");
            probe.Tell("ready");
            ReceiveAny(m => probe.Tell($"parent {m}:{Values()}"));
        }
    }

    /// <summary>Handles queued messages; the first one can hold the mailbox run on a gate.</summary>
    private sealed class GatedActor : ReceiveActor
    {
        public GatedActor(IActorRef probe, ManualResetEventSlim gate)
        {
            Receive<Block>(b =>
            {
                probe.Tell(new Saw(b.Tag, Values(), Environment.CurrentManagedThreadId));
                if (!gate.Wait(Timeout))
                {
                    probe.Tell("gate was never opened");
                }
            });
            Receive<Report>(r => probe.Tell(new Saw(r.Tag, Values(), Environment.CurrentManagedThreadId)));
            Receive<SetThenReport>(r =>
            {
                probe.Tell(new Saw(r.Tag, Values(), Environment.CurrentManagedThreadId));
                RequestId.Set("set-by-" + r.Tag);
                Tenant.Set("tenant-set-by-" + r.Tag);
            });
            Receive<Fail>(f =>
            {
                probe.Tell(new Saw(f.Tag, Values(), Environment.CurrentManagedThreadId));
                RequestId.Set("set-before-throw-" + f.Tag);
                throw new InvalidOperationException("test failure " + f.Tag);
            });
        }
    }

    /// <summary>A gated actor that reports its constructor, PreRestart and PostRestart.</summary>
    private sealed class RestartableActor : ReceiveActor
    {
        private readonly IActorRef _probe;

        public RestartableActor(IActorRef probe, ManualResetEventSlim gate)
        {
            _probe = probe;
            probe.Tell(new Saw("ctor", Values(), Environment.CurrentManagedThreadId));
            Receive<Block>(b =>
            {
                probe.Tell(new Saw(b.Tag, Values(), Environment.CurrentManagedThreadId));
                if (!gate.Wait(Timeout))
                {
                    probe.Tell("gate was never opened");
                }
            });
            Receive<Report>(r => probe.Tell(new Saw(r.Tag, Values(), Environment.CurrentManagedThreadId)));
            Receive<Fail>(f =>
            {
                RequestId.Set("set-before-throw-" + f.Tag);
                throw new InvalidOperationException("test failure " + f.Tag);
            });
        }

        protected override void PreRestart(Exception reason, object message)
        {
            _probe.Tell(new Restarting(message, Environment.CurrentManagedThreadId));
            base.PreRestart(reason, message);
        }

        protected override void PostRestart(Exception reason)
        {
            _probe.Tell(new Saw("postRestart", Values(), Environment.CurrentManagedThreadId));
            base.PostRestart(reason);
        }
    }

    /// <summary>
    /// Creates children on request and supervises them with a fixed directive. It runs on the CallingThreadDispatcher,
    /// so it decides on the failing child's thread and the child's Resume/Recreate is handled inside the child's
    /// current mailbox run.
    /// </summary>
    private sealed class Supervisor : ReceiveActor
    {
        private readonly Directive _directive;

        public Supervisor(Directive directive, IActorRef probe)
        {
            _directive = directive;
            Receive<Props>(childProps => probe.Tell(Context.ActorOf(childProps)));
        }

        protected override SupervisorStrategy SupervisorStrategy() => new OneForOneStrategy(_ => _directive);
    }

    /// <summary>
    /// A restart-supervised child created under the context "creator"; asserts its first constructor saw it. The
    /// supervisor reports the child's ref while the child may be created on another thread: in any order.
    /// </summary>
    private IActorRef RestartableChildCreatedInContext(Props childProps)
    {
        var supervisor = Sys.ActorOf(Props.Create(() => new Supervisor(Directive.Restart, TestActor)).WithDispatcher(CallingThreadDispatcherId));
        InContext("creator", null, () => supervisor.Tell(childProps));
        var started = ReceiveN(2, Timeout);
        var firstCtor = started.OfType<Saw>().Single();
        Assert.Equal(("ctor", "creator/none"), (firstCtor.Tag, firstCtor.Values));
        return started.OfType<IActorRef>().Single();
    }

    private IActorRef SupervisedChild(Directive directive, Props childProps)
    {
        var supervisor = Sys.ActorOf(Props.Create(() => new Supervisor(directive, TestActor)).WithDispatcher(CallingThreadDispatcherId));
        supervisor.Tell(childProps);
        return ExpectMsg<IActorRef>();
    }

    private IActorRef BuildChain(IActorRef end, params HopSpec[] specs) =>
        HopChain.Build(Sys, end, Values, "=", named: true, specs);

    private static HopSpec[] Hops(int count) => Enumerable.Range(1, count).Select(i => new HopSpec($"h{i}")).ToArray();

    // ---------------------------------------------------------------- 1. Tell and chains

    [Fact]
    public void UntypedActor_TellFromEdge_SeesEdgeValuesThenNoneWithoutContext()
    {
        var echo = Sys.ActorOf(Props.Create(() => new UntypedEcho(TestActor)));

        InContext("u-1", "t-1", () => echo.Tell("a"));
        echo.Tell("b");
        InContext("u-2", null, () => echo.Tell("c"));

        ExpectMsg("a:u-1/t-1");
        ExpectMsg("b:none/none");
        ExpectMsg("c:u-2/none");
    }

    [Fact]
    public void ActorSelection_TellFromEdge_ReceiverSeesEdgeValues()
    {
        Sys.ActorOf(Props.Create(() => new EchoWithChild(TestActor)), "selected");
        ExpectMsg("ready"); // the inner child exists: selections of both paths resolve

        InContext("sel-1", "t-1", () => Sys.ActorSelection("/user/selected").Tell("a"));
        InContext("sel-2", null, () => Sys.ActorSelection("/user/selected/inner").Tell("b"));
        Sys.ActorSelection("/user/selected/inner").Tell("c");
        InContext("sel-3", "t-3", () => Sys.ActorSelection("/user/selected/inner").Tell("d"));

        // Two receivers: order across them is not defined, order per receiver is.
        var received = ReceiveN(4, Timeout).Cast<string>().ToList();
        Assert.Equal(["parent a:sel-1/t-1"], received.Where(m => m.StartsWith("parent ", StringComparison.Ordinal)));
        Assert.Equal(["b:sel-2/none", "c:none/none", "d:sel-3/t-3"], received.Where(m => !m.StartsWith("parent ", StringComparison.Ordinal)));
    }

    [Fact]
    public void Chain_SixMixedHopsToldFromEdge_EveryHopSeesEdgeValues()
    {
        var first = BuildChain(TestActor, Hops(6));

        InContext("r-1", "t-1", () => first.Tell(HopTrace.Start));

        var trace = ExpectMsg<HopTrace>();
        Assert.Equal(
            ["h1=r-1/t-1", "h2=r-1/t-1", "h3=r-1/t-1", "h4=r-1/t-1", "h5=r-1/t-1", "h6=r-1/t-1"],
            trace.Hops);
    }

    [Fact]
    public void Chain_ToldFromEdgeWithoutContext_NoHopSeesValues()
    {
        var first = BuildChain(TestActor, Hops(5));

        InContext("before", "t-before", () => first.Tell(HopTrace.Start));
        first.Tell(HopTrace.Start);

        Assert.All(ExpectMsg<HopTrace>().Hops, h => Assert.EndsWith("=before/t-before", h, StringComparison.Ordinal));
        Assert.Equal(
            ["h1=none/none", "h2=none/none", "h3=none/none", "h4=none/none", "h5=none/none"],
            ExpectMsg<HopTrace>().Hops);
    }

    [Fact]
    public void Chain_HopSetsVar_OnlyLaterHopsSeeChangeNotEarlierHopsOrEdge()
    {
        using var chainDone = new ManualResetEventSlim(false);
        var first = BuildChain(
            TestActor,
            new HopSpec("h1", WaitAfterSend: chainDone, AfterProbe: TestActor),
            new HopSpec("h2", WaitAfterSend: chainDone, AfterProbe: TestActor),
            new HopSpec("h3", Change: () => RequestId.Set("changed-by-h3")),
            new HopSpec("h4"),
            new HopSpec("h5"),
            new HopSpec("h6", SignalAfterSend: chainDone));

        HopTrace? trace = null;
        var afterHops = new List<string>();
        var edgeAfterChain = string.Empty;
        InContext("r-1", "t-1", () =>
        {
            first.Tell(HopTrace.Start);
            trace = ExpectMsg<HopTrace>();
            afterHops.Add(ExpectMsg<string>());
            afterHops.Add(ExpectMsg<string>());
            edgeAfterChain = Values();
        });

        Assert.Equal(
            ["h1=r-1/t-1", "h2=r-1/t-1", "h3=r-1/t-1", "h4=changed-by-h3/t-1", "h5=changed-by-h3/t-1", "h6=changed-by-h3/t-1"],
            trace!.Hops);

        // h1 and h2 read their context again after h3..h6 ran: still the edge's values.
        afterHops.Sort(StringComparer.Ordinal);
        Assert.Equal(["h1-after=r-1/t-1", "h2-after=r-1/t-1"], afterHops);

        // The edge, after the whole chain completed, still sees its own values.
        Assert.Equal("r-1/t-1", edgeAfterChain);
        Assert.Equal("none/none", Values());
    }

    [Fact]
    public void Chain_ManyInterleavedRequests_EachTraceHoldsOnlyItsOwnValues()
    {
        var first = BuildChain(TestActor, Hops(6));
        const int requests = 40;

        for (var i = 0; i < requests; i++)
        {
            var id = $"r-{i}";
            if (i % 4 == 3)
            {
                first.Tell(HopTrace.Start); // some requests carry no context at all
            }
            else
            {
                InContext(id, "t-" + id, () => first.Tell(HopTrace.Start));
            }
        }

        var traces = ReceiveN(requests, Timeout).Cast<HopTrace>().ToList();
        for (var i = 0; i < requests; i++)
        {
            var expected = i % 4 == 3 ? "none/none" : $"r-{i}/t-r-{i}";
            Assert.Equal(Enumerable.Range(1, 6).Select(h => $"h{h}={expected}"), traces[i].Hops);
        }
    }

    // ---------------------------------------------------------------- 2. No leak inside one mailbox run

    [Fact]
    public void Receive_QueuedMessagesInOneMailboxRunWithResumedException_EachSeesOnlyItsOwnValues()
    {
        using var gate = new ManualResetEventSlim(false);
        var actor = SupervisedChild(Directive.Resume, Props.Create(() => new GatedActor(TestActor, gate)));

        InContext("gate", null, () => actor.Tell(new Block("0")));
        var blocked = ExpectMsg<Saw>();
        Assert.Equal(new Saw("0", "gate/none", blocked.Thread), blocked);

        // Everything below waits in the mailbox behind the blocked message and is handled in the same run.
        InContext("a", "t-a", () => actor.Tell(new Report("1")));
        actor.Tell(new Report("2"));
        InContext("b", "t-b", () => actor.Tell(new SetThenReport("3")));
        actor.Tell(new Report("4"));
        InContext("c", null, () => actor.Tell(new Fail("5")));
        actor.Tell(new Report("6"));
        InContext(null, "t-d", () => actor.Tell(new Report("7")));
        InContext("e", null, () => actor.Tell(new Report("8")));
        actor.Tell(new Report("9"));
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
        gate.Set();

        var expected = new[]
        {
            ("1", "a/t-a"),
            ("2", "none/none"),
            ("3", "b/t-b"),
            ("4", "none/none"), // the previous handler set both vars
            ("5", "c/none"),
            ("6", "none/none"), // the previous handler set a var and threw; the actor was resumed
            ("7", "none/t-d"),
            ("8", "e/none"),
            ("9", "none/none"),
        };
        foreach (var (tag, values) in expected)
        {
            var saw = ExpectMsg<Saw>();
            Assert.Equal((tag, values), (saw.Tag, saw.Values));

            // Same thread as the blocked message: the run was never interrupted, not even by the failure.
            Assert.Equal(blocked.Thread, saw.Thread);
        }

        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void Restart_InSameMailboxRun_RestartedInstanceSeesNoIdAndPreRestartGetsUserMessage()
    {
        using var gate = new ManualResetEventSlim(false);
        var childProps = Props.Create(() => new RestartableActor(TestActor, gate));

        // Created in a context: the first incarnation sees it, a restarted one must not.
        var actor = RestartableChildCreatedInContext(childProps);

        InContext("gate", null, () => actor.Tell(new Block("0")));
        var blocked = ExpectMsg<Saw>();
        Assert.Equal(("0", "gate/none"), (blocked.Tag, blocked.Values));

        InContext("boom", "t-boom", () => actor.Tell(new Fail("x")));
        actor.Tell(new Report("after-restart"));
        InContext("next", null, () => actor.Tell(new Report("next")));
        gate.Set();

        var restarting = ExpectMsg<Restarting>();
        var failed = Assert.IsType<Fail>(restarting.Message);
        Assert.Equal("x", failed.Tag);

        var ctor = ExpectMsg<Saw>();
        Assert.Equal(("ctor", "none/none"), (ctor.Tag, ctor.Values));
        var postRestart = ExpectMsg<Saw>();
        Assert.Equal(("postRestart", "none/none"), (postRestart.Tag, postRestart.Values));
        var after = ExpectMsg<Saw>();
        Assert.Equal(("after-restart", "none/none"), (after.Tag, after.Values));
        var next = ExpectMsg<Saw>();
        Assert.Equal(("next", "next/none"), (next.Tag, next.Values));

        // All in the mailbox run that started with the blocked message.
        Assert.All(new[] { restarting.Thread, ctor.Thread, postRestart.Thread, after.Thread, next.Thread }, t => Assert.Equal(blocked.Thread, t));
    }

    [Fact]
    public void Restart_CallingThreadDispatcherActorAndSupervisor_RestartedInstanceSeesNoIdAndPreRestartGetsUserMessage()
    {
        // TestKit-style deterministic setup: both actors run on the thread that tells, so the failure, the
        // supervisor's decision and the restart all happen inside the teller's Tell call.
        using var gate = new ManualResetEventSlim(true);
        var childProps = Props.Create(() => new RestartableActor(TestActor, gate)).WithDispatcher(CallingThreadDispatcherId);
        var actor = RestartableChildCreatedInContext(childProps);

        InContext("boom", "t-boom", () => actor.Tell(new Fail("z")));

        var restarting = ExpectMsg<Restarting>();
        Assert.Equal("z", Assert.IsType<Fail>(restarting.Message).Tag);
        var ctor = ExpectMsg<Saw>();
        Assert.Equal(("ctor", "none/none"), (ctor.Tag, ctor.Values));
        var postRestart = ExpectMsg<Saw>();
        Assert.Equal(("postRestart", "none/none"), (postRestart.Tag, postRestart.Values));

        actor.Tell(new Report("plain"));
        var plain = ExpectMsg<Saw>();
        Assert.Equal(("plain", "none/none"), (plain.Tag, plain.Values));
    }

    [Fact]
    public void Restart_UnderDefaultSupervision_RestartedInstanceSeesNoIdAndPreRestartGetsUserMessage()
    {
        using var gate = new ManualResetEventSlim(true);
        IActorRef actor = ActorRefs.Nobody;
        InContext("creator", "t-creator", () => actor = Sys.ActorOf(Props.Create(() => new RestartableActor(TestActor, gate))));
        var firstCtor = ExpectMsg<Saw>();
        Assert.Equal(("ctor", "creator/t-creator"), (firstCtor.Tag, firstCtor.Values));

        InContext("boom", "t-boom", () => actor.Tell(new Fail("y")));

        var restarting = ExpectMsg<Restarting>();
        Assert.Equal("y", Assert.IsType<Fail>(restarting.Message).Tag);
        var ctor = ExpectMsg<Saw>();
        Assert.Equal(("ctor", "none/none"), (ctor.Tag, ctor.Values));
        var postRestart = ExpectMsg<Saw>();
        Assert.Equal(("postRestart", "none/none"), (postRestart.Tag, postRestart.Values));

        actor.Tell(new Report("plain"));
        InContext("again", null, () => actor.Tell(new Report("again")));
        var plain = ExpectMsg<Saw>();
        Assert.Equal(("plain", "none/none"), (plain.Tag, plain.Values));
        var again = ExpectMsg<Saw>();
        Assert.Equal(("again", "again/none"), (again.Tag, again.Values));
    }
}
