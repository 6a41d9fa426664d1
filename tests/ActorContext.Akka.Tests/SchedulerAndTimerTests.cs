using Akka.Actor;
using Xunit.Abstractions;

namespace ActorContext.Akka.Tests;

/// <summary>
/// Scheduled work carries the context of the code that scheduled it. The stock scheduler starts its worker from
/// the first caller and so captures that caller's ExecutionContext: these tests schedule first under "first" and
/// then under other contexts, or none, and expect every delivery to see its own.
/// </summary>
public class SchedulerAndTimerTests(ITestOutputHelper output) : PropagationTestKit(output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Short = TimeSpan.FromMilliseconds(30);

    private sealed class Echo : ReceiveActor
    {
        public Echo(IActorRef probe) => ReceiveAny(m => probe.Tell($"{m}:{SeenId()}"));
    }

    private IActorRef NewEcho(string? name = null) =>
        name is null
            ? Sys.ActorOf(Props.Create(() => new Echo(TestActor)))
            : Sys.ActorOf(Props.Create(() => new Echo(TestActor)), name);

    private HashSet<string> ExpectStrings(int count) =>
        Enumerable.Range(0, count).Select(_ => ExpectMsg<string>(Timeout)).ToHashSet();

    [Fact]
    public void ScheduleTellOnce_FirstUnderOneContextThenOthers_EachDeliverySeesItsOwnContext()
    {
        var echo = NewEcho();

        // The very first schedule of the test, made under "first" and delivered last so the scheduler is busy with it.
        WithId("first", () => Sys.Scheduler.ScheduleTellOnce(TimeSpan.FromMilliseconds(300), echo, "m-first", ActorRefs.NoSender));
        WithId("second", () => Sys.Scheduler.ScheduleTellOnce(Short, echo, "m-second", ActorRefs.NoSender));
        Sys.Scheduler.ScheduleTellOnce(Short, echo, "m-none", ActorRefs.NoSender);
        WithId("third", () => Sys.Scheduler.ScheduleTellOnce(Short, echo, "m-third", ActorRefs.NoSender));
        new MessageContext().Run(() => Sys.Scheduler.ScheduleTellOnce(Short, echo, "m-empty", ActorRefs.NoSender));

        var seen = ExpectStrings(5);

        Assert.Equal(
            new HashSet<string> { "m-first:first", "m-second:second", "m-none:none", "m-third:third", "m-empty:none" },
            seen);
    }

    [Fact]
    public void ScheduleTellOnce_AfterFirstScheduleDelivered_LaterNoContextScheduleSeesNone()
    {
        var echo = NewEcho();

        WithId("first", () => Sys.Scheduler.ScheduleTellOnce(Short, echo, "a", ActorRefs.NoSender));
        ExpectMsg("a:first", Timeout);

        Sys.Scheduler.ScheduleTellOnce(Short, echo, "b", ActorRefs.NoSender);
        ExpectMsg("b:none", Timeout);

        WithId("later", () => Sys.Scheduler.ScheduleTellOnce(Short, echo, "c", ActorRefs.NoSender));
        ExpectMsg("c:later", Timeout);
    }

    [Fact]
    public void ScheduleTellOnce_ToActorSelection_DeliverySeesTheSchedulersContext()
    {
        // A selection cannot carry a wrapper itself: the tell is made under the captured context instead.
        NewEcho("selected-echo");
        var selection = Sys.ActorSelection("/user/selected-echo");

        WithId("first", () => Sys.Scheduler.ScheduleTellOnce(Short, selection, "sel-1", ActorRefs.NoSender));
        Sys.Scheduler.ScheduleTellOnce(Short, selection, "sel-2", ActorRefs.NoSender);
        WithId("other", () => Sys.Scheduler.ScheduleTellOnce(Short, selection, "sel-3", ActorRefs.NoSender));

        Assert.Equal(new HashSet<string> { "sel-1:first", "sel-2:none", "sel-3:other" }, ExpectStrings(3));
    }

    [Fact]
    public void ScheduleTellRepeatedly_UnderContext_EveryDeliverySeesThatContextAndOthersKeepTheirs()
    {
        var echo = NewEcho();
        ICancelable repeating = null!;

        WithId("first", () => repeating = Sys.Scheduler.ScheduleTellRepeatedlyCancelable(Short, Short, echo, "tick", ActorRefs.NoSender));
        Sys.Scheduler.ScheduleTellOnce(TimeSpan.FromMilliseconds(60), echo, "once-none", ActorRefs.NoSender);
        WithId("once", () => Sys.Scheduler.ScheduleTellOnce(TimeSpan.FromMilliseconds(90), echo, "once-ctx", ActorRefs.NoSender));

        var ticks = 0;
        var others = new HashSet<string>();
        while (ticks < 5 || others.Count < 2)
        {
            var msg = ExpectMsg<string>(Timeout);
            if (msg.StartsWith("tick:", StringComparison.Ordinal))
            {
                Assert.Equal("tick:first", msg);
                ticks++;
            }
            else
            {
                others.Add(msg);
            }
        }

        repeating.Cancel();
        Assert.Equal(new HashSet<string> { "once-none:none", "once-ctx:once" }, others);
    }

    [Fact]
    public void ScheduleTellRepeatedly_WithoutContextAfterAFirstScheduleUnderContext_DeliveriesSeeNone()
    {
        var echo = NewEcho();

        WithId("first", () => Sys.Scheduler.ScheduleTellOnce(Short, echo, "first-once", ActorRefs.NoSender));
        ExpectMsg("first-once:first", Timeout);

        var repeating = Sys.Scheduler.ScheduleTellRepeatedlyCancelable(Short, Short, echo, "bare", ActorRefs.NoSender);
        for (var i = 0; i < 3; i++)
        {
            ExpectMsg("bare:none", Timeout);
        }

        repeating.Cancel();
    }

    [Fact]
    public void AdvancedScheduleOnce_FirstUnderOneContextThenOthers_EachActionSeesItsOwnContext()
    {
        var seen = new System.Collections.Concurrent.ConcurrentDictionary<string, string>();
        var done = new CountdownEvent(5);
        void Record(string name)
        {
            seen[name] = SeenId();
            done.Signal();
        }

        WithId("first", () => Sys.Scheduler.Advanced.ScheduleOnce(TimeSpan.FromMilliseconds(200), () => Record("a")));
        WithId("second", () => Sys.Scheduler.Advanced.ScheduleOnce(Short, () => Record("b")));
        Sys.Scheduler.Advanced.ScheduleOnce(Short, () => Record("c"));
        WithId("third", () => Sys.Scheduler.Advanced.ScheduleOnce(Short, () => Record("d")));
        Sys.Scheduler.Advanced.ScheduleOnce(TimeSpan.FromMilliseconds(250), () => Record("e"));

        Assert.True(done.Wait(Timeout), "not every scheduled action ran");
        Assert.Equal("first", seen["a"]);
        Assert.Equal("second", seen["b"]);
        Assert.Equal("none", seen["c"]);
        Assert.Equal("third", seen["d"]);
        Assert.Equal("none", seen["e"]);
    }

    [Fact]
    public void AdvancedScheduleOnce_ActionTellsAnActor_ReceiverSeesTheSchedulersContext()
    {
        var echo = NewEcho();

        WithId("first", () => Sys.Scheduler.Advanced.ScheduleOnce(Short, () => echo.Tell("from-action-1")));
        Sys.Scheduler.Advanced.ScheduleOnce(Short, () => echo.Tell("from-action-2"));

        Assert.Equal(new HashSet<string> { "from-action-1:first", "from-action-2:none" }, ExpectStrings(2));
    }

    [Fact]
    public void AdvancedScheduleOnce_ActionRuns_ContextIsRemovedFromTheSchedulerThreadAfterwards()
    {
        string? after = null;
        var done = new ManualResetEventSlim();

        WithId("first", () => Sys.Scheduler.Advanced.ScheduleOnce(Short, () => { }));
        Sys.Scheduler.Advanced.ScheduleOnce(TimeSpan.FromMilliseconds(80), () =>
        {
            after = SeenId();
            done.Set();
        });

        Assert.True(done.Wait(Timeout));
        Assert.Equal("none", after);
    }

    // ----- IWithTimers -----

    private sealed record StartSingle(string Key, string Payload);

    private sealed record StartPeriodic(string Key, string Payload);

    private sealed record StopTimer(string Key);

    private sealed record Fired(string Payload);

    private sealed class TimerActor : ReceiveActor, IWithTimers
    {
        public TimerActor(IActorRef probe)
        {
            Receive<StartSingle>(m => Timers.StartSingleTimer(m.Key, new Fired(m.Payload), Short));
            Receive<StartPeriodic>(m => Timers.StartPeriodicTimer(m.Key, new Fired(m.Payload), Short, Short));
            Receive<StopTimer>(m => Timers.Cancel(m.Key));
            Receive<Fired>(f => probe.Tell($"{f.Payload}:{SeenId()}"));
            Receive<string>(s => probe.Tell($"{s}:{SeenId()}"));
        }

        public ITimerScheduler Timers { get; set; } = null!;
    }

    private IActorRef NewTimerActor() => Sys.ActorOf(Props.Create(() => new TimerActor(TestActor)));

    [Fact]
    public void StartSingleTimer_StartedInReceive_FiredMessageSeesTheStartingMessagesContext()
    {
        var actor = NewTimerActor();

        WithId("first", () => actor.Tell(new StartSingle("k1", "t1")));
        WithId("second", () => actor.Tell(new StartSingle("k2", "t2")));
        actor.Tell(new StartSingle("k3", "t3"));
        WithId("third", () => actor.Tell(new StartSingle("k4", "t4")));

        Assert.Equal(new HashSet<string> { "t1:first", "t2:second", "t3:none", "t4:third" }, ExpectStrings(4));
    }

    [Fact]
    public void StartSingleTimer_FirstTimerUnderContextThenStartedWithoutContext_LaterFiringSeesNone()
    {
        var actor = NewTimerActor();

        WithId("first", () => actor.Tell(new StartSingle("k", "one")));
        ExpectMsg("one:first", Timeout);

        actor.Tell(new StartSingle("k", "two"));
        ExpectMsg("two:none", Timeout);

        WithId("again", () => actor.Tell(new StartSingle("k", "three")));
        ExpectMsg("three:again", Timeout);
    }

    [Fact]
    public void StartPeriodicTimer_StartedUnderContext_EveryTickSeesThatContextWhileOtherMessagesKeepTheirs()
    {
        var actor = NewTimerActor();

        WithId("periodic", () => actor.Tell(new StartPeriodic("p", "tick")));
        ExpectMsg("tick:periodic", Timeout);

        // Messages under other contexts (and none) interleave with the ticks; neither may borrow the other's context.
        WithId("poke", () => actor.Tell("poke-1"));
        actor.Tell("poke-2");

        var ticks = 0;
        var pokes = new HashSet<string>();
        while (ticks < 4 || pokes.Count < 2)
        {
            var msg = ExpectMsg<string>(Timeout);
            if (msg.StartsWith("tick:", StringComparison.Ordinal))
            {
                Assert.Equal("tick:periodic", msg);
                ticks++;
            }
            else
            {
                pokes.Add(msg);
            }
        }

        actor.Tell(new StopTimer("p"));
        Assert.Equal(new HashSet<string> { "poke-1:poke", "poke-2:none" }, pokes);
    }

    [Fact]
    public void StartPeriodicTimer_StartedWithoutContextAfterOneUnderContext_TicksSeeNone()
    {
        var actor = NewTimerActor();

        WithId("first", () => actor.Tell(new StartPeriodic("p1", "ctx-tick")));
        actor.Tell(new StartPeriodic("p2", "bare-tick"));

        var ctxTicks = 0;
        var bareTicks = 0;
        while (ctxTicks < 3 || bareTicks < 3)
        {
            var msg = ExpectMsg<string>(Timeout);
            if (msg.StartsWith("ctx-tick:", StringComparison.Ordinal))
            {
                Assert.Equal("ctx-tick:first", msg);
                ctxTicks++;
            }
            else
            {
                Assert.Equal("bare-tick:none", msg);
                bareTicks++;
            }
        }

        actor.Tell(new StopTimer("p1"));
        actor.Tell(new StopTimer("p2"));
    }

    private sealed record Relay(IActorRef Target, string Payload);

    private sealed class SchedulingActor : ReceiveActor
    {
        public SchedulingActor() =>
            Receive<Relay>(r => Context.System.Scheduler.ScheduleTellOnce(Short, r.Target, r.Payload, Self));
    }

    [Fact]
    public void ScheduleTellOnce_CalledInsideReceive_DeliverySeesTheHandledMessagesContext()
    {
        var echo = NewEcho();
        var scheduler = Sys.ActorOf(Props.Create(() => new SchedulingActor()));

        WithId("first", () => scheduler.Tell(new Relay(echo, "r1")));
        scheduler.Tell(new Relay(echo, "r2"));
        WithId("second", () => scheduler.Tell(new Relay(echo, "r3")));

        Assert.Equal(new HashSet<string> { "r1:first", "r2:none", "r3:second" }, ExpectStrings(3));
    }
}
