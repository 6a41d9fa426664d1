using System.Runtime.CompilerServices;
using ActorContext.Akka.Internal;
using ActorContext.TestKit;
using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit;
using Xunit.Abstractions;

namespace ActorContext.Akka.Tests;

/// <summary>Regression tests for lost request IDs: a retry sent from PreRestart, Akka.TestKit's TestScheduler, a system without propagation.</summary>
public class AttributionTests : PropagationTestKit
{
    private readonly ITestOutputHelper _output;

    public AttributionTests(ITestOutputHelper output)
        : base(output)
    {
        _output = output;
    }

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private sealed record Job(string Name, bool Fail);

    /// <summary>The retry-on-failure pattern: a crashed message is sent to itself again from PreRestart.</summary>
    private abstract class RetriesOnRestart(IActorRef probe) : ReceiveActor
    {
        protected IActorRef Probe { get; } = probe;

        protected override void PreRestart(Exception reason, object message)
        {
            Probe.Tell($"pre-restart:{SeenId()}");
            if (message is Job { Fail: true } job)
            {
                Self.Tell(job with { Fail = false });
            }

            base.PreRestart(reason, message);
        }
    }

    private sealed class Retrying : RetriesOnRestart
    {
        public Retrying(IActorRef probe)
            : base(probe)
        {
            probe.Tell($"ctor:{SeenId()}");
            Receive<Job>(job =>
            {
                if (job.Fail)
                {
                    throw new InvalidOperationException(job.Name);
                }

                probe.Tell($"{job.Name}:{SeenId()}");
            });
        }

        protected override void PostRestart(Exception reason)
        {
            Probe.Tell($"post-restart:{SeenId()}");
            base.PostRestart(reason);
        }
    }

    [Fact]
    public void PreRestart_RunsUnderTheCrashedMessagesContext_AndTheRetryItSendsKeepsIt()
    {
        var actor = Sys.ActorOf(Props.Create(() => new Retrying(TestActor)));
        ExpectMsg("ctor:none", Timeout);

        for (var i = 0; i < 5; i++)
        {
            var id = $"crash-{i}";
            EventFilter.Exception<InvalidOperationException>().ExpectOne(() => WithId(id, () => actor.Tell(new Job($"job-{i}", Fail: true))));
            var seen = new List<string> { ExpectMsg<string>(Timeout), ExpectMsg<string>(Timeout), ExpectMsg<string>(Timeout), ExpectMsg<string>(Timeout) };
            Assert.Equal(new[] { $"pre-restart:{id}", "ctor:none", "post-restart:none", $"job-{i}:{id}" }, seen);
        }

        // Messages after the restart carry only their own context.
        actor.Tell(new Job("plain", Fail: false));
        ExpectMsg("plain:none", Timeout);
    }

    /// <summary>The retry pattern in a ReceiveAsync handler that fails before or after an await.</summary>
    private sealed class AsyncRetrying : RetriesOnRestart
    {
        public AsyncRetrying(IActorRef probe, bool awaitFirst)
            : base(probe)
        {
            ReceiveAsync<Job>(async job =>
            {
                if (awaitFirst)
                {
                    await Task.Delay(10);
                }

                if (job.Fail)
                {
                    throw new InvalidOperationException(job.Name);
                }

                await Task.Yield();
                probe.Tell($"{job.Name}:{SeenId()}");
            });
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void PreRestart_ReceiveAsyncFails_RunsUnderTheFailedMessagesContextAndTheRetryKeepsIt(bool awaitFirst)
    {
        var actor = Sys.ActorOf(Props.Create(() => new AsyncRetrying(TestActor, awaitFirst)));

        EventFilter.Exception<InvalidOperationException>().ExpectOne(() => WithId("async-1", () => actor.Tell(new Job("j", Fail: true))));

        Assert.Equal("pre-restart:async-1", ExpectMsg<string>(Timeout));
        Assert.Equal("j:async-1", ExpectMsg<string>(Timeout));

        // A continuation that succeeds leaves nothing behind for a later restart.
        actor.Tell(new Job("plain", Fail: false));
        ExpectMsg("plain:none", Timeout);
    }

    private sealed class FailsOnRestart : ReceiveActor
    {
        public FailsOnRestart(StrongBox<int> incarnations)
        {
            if (Interlocked.Increment(ref incarnations.Value) > 1)
            {
                throw new InvalidOperationException("no second incarnation");
            }

            Receive<Job>(job => throw new InvalidOperationException(job.Name));
        }

        protected override void PreRestart(Exception reason, object message) => Context.Parent.Tell($"pre-restart:{SeenId()}");
    }

    [Theory]
    [InlineData("crash")]
    [InlineData(null)]
    public void Restart_ConstructorFails_TheActorStopsAsInAkka(string? id)
    {
        var incarnations = new StrongBox<int>();
        var actor = Sys.ActorOf(Props.Create(() => new FailsOnRestart(incarnations)));
        Watch(actor);

        EventFilter.Exception<ActorInitializationException>().ExpectOne(() =>
        {
            if (id is null)
            {
                actor.Tell(new Job("boom", Fail: true));
            }
            else
            {
                WithId(id, () => actor.Tell(new Job("boom", Fail: true)));
            }
        });

        ExpectTerminated(actor, Timeout);
        Assert.Equal(2, incarnations.Value);
    }

    [Fact]
    public async Task SystemWithoutPropagation_GetInsideAnActor_SaysPropagationIsOffAndHowToTurnItOn()
    {
        using var plain = ActorSystem.Create("without-propagation", ConfigurationFactory.ParseString("akka.loglevel = WARNING"));
        var actor = plain.ActorOf(Props.Create(() => new Reader()));

        var error = await actor.Ask<string>("read", Timeout);

        Assert.Contains("without context propagation", error);
        Assert.Contains("WithMessageContext()", error);
        Assert.Contains("without-propagation", error);
    }

    [Fact]
    public async Task SystemWithPropagation_GetWithNothingSet_KeepsTheUsualAdvice()
    {
        var error = await Sys.ActorOf(Props.Create(() => new Reader())).Ask<string>("read", Timeout);

        Assert.Contains("Set it at the edge of the flow", error);
        Assert.DoesNotContain("without context propagation", error);
    }

    private sealed class Reader : ReceiveActor
    {
        public Reader() => ReceiveAny(_ =>
        {
            try
            {
                Sender.Tell(RequestId.Get());
            }
            catch (KeyNotFoundException e)
            {
                Sender.Tell(e.Message);
            }
        });
    }

    private sealed class PlainKit(ITestOutputHelper output) : global::Akka.TestKit.Xunit2.TestKit(ConfigurationFactory.ParseString("akka.loglevel = WARNING"), output: output);

    [Fact]
    public void CreateContextProbe_SystemWithoutPropagation_ThrowsSayingHowToTurnItOn()
    {
        using var kit = new PlainKit(_output);
        var error = Assert.Throws<InvalidOperationException>(() => kit.CreateContextProbe());

        Assert.Contains("without context propagation", error.Message);
        Assert.Contains("WithMessageContext()", error.Message);
    }
}

/// <summary>Akka.TestKit's virtual time (TestScheduler) with propagation.</summary>
public class TestSchedulerTests(ITestOutputHelper output)
    : PropagationTestKit(output, """akka.scheduler.implementation = "Akka.TestKit.TestScheduler, Akka.TestKit" """)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private sealed class Echo : ReceiveActor
    {
        public Echo(IActorRef probe) => ReceiveAny(m => probe.Tell($"{m}:{SeenId()}"));
    }

    private sealed record StartTimer(string Key, TimeSpan Interval);

    private sealed class WithTimer : ReceiveActor, IWithTimers
    {
        public ITimerScheduler Timers { get; set; } = null!;

        public WithTimer(IActorRef probe)
        {
            Receive<StartTimer>(s => Timers.StartPeriodicTimer(s.Key, $"tick-{s.Key}", s.Interval));
            Receive<string>(m => probe.Tell($"{m}:{SeenId()}"));
        }
    }

    [Fact]
    public void Scheduler_IsStillTheTestScheduler_AndPropagationIsOn()
    {
        Assert.IsAssignableFrom<TestScheduler>(Sys.Scheduler);
        Assert.True(Sys.IsMessageContextEnabled());
    }

    [Fact]
    public void ScheduleTellOnce_UnderAContext_IsDeliveredWithItWhenTimeAdvances()
    {
        var scheduler = (TestScheduler)Sys.Scheduler;
        var echo = Sys.ActorOf(Props.Create(() => new Echo(TestActor)));

        WithId("t-1", () => Sys.Scheduler.ScheduleTellOnce(TimeSpan.FromSeconds(5), echo, "once", ActorRefs.NoSender));
        WithId("t-2", () => Sys.Scheduler.Advanced.ScheduleOnce(TimeSpan.FromSeconds(5), () => TestActor.Tell($"action:{SeenId()}")));
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));

        WithId("advancer", () => scheduler.Advance(TimeSpan.FromSeconds(5)));

        var seen = new[] { ExpectMsg<string>(Timeout), ExpectMsg<string>(Timeout) };
        Assert.Equal(new[] { "action:t-2", "once:t-1" }, seen.Order());
    }

    [Fact]
    public void RepeatingScheduleAndTimer_KeepTheirContextOnEveryTick()
    {
        var scheduler = (TestScheduler)Sys.Scheduler;
        var echo = Sys.ActorOf(Props.Create(() => new Echo(TestActor)));
        var timer = Sys.ActorOf(Props.Create(() => new WithTimer(TestActor)));

        WithId("rep-1", () => Sys.Scheduler.ScheduleTellRepeatedly(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1), echo, "repeat", ActorRefs.NoSender));
        WithId("timer-1", () => timer.Tell(new StartTimer("k", TimeSpan.FromSeconds(1))));
        // The timer is started by the actor's Receive: wait until it is scheduled.
        timer.Tell("started?");
        ExpectMsg("started?:none", Timeout);

        var seen = new List<string>();
        for (var tick = 0; tick < 3; tick++)
        {
            scheduler.Advance(TimeSpan.FromSeconds(1));
            seen.Add(ExpectMsg<string>(Timeout));
            seen.Add(ExpectMsg<string>(Timeout));
        }

        Assert.Equal(3, seen.Count(s => s == "repeat:rep-1"));
        Assert.Equal(3, seen.Count(s => s == "tick-k:timer-1"));
    }
}
