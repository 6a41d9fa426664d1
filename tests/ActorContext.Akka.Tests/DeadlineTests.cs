using System.Reflection;
using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Event;
using Xunit.Abstractions;

namespace ActorContext.Akka.Tests;

public class DeadlineTests(ITestOutputHelper output) : PropagationTestKit(output)
{
    private sealed record Hop(int Remaining);

    private sealed class Relay : ReceiveActor
    {
        public Relay(IActorRef next) => ReceiveAny(m => next.Forward(m));
    }

    private sealed class ReportsRemaining : ReceiveActor
    {
        public ReportsRemaining() => ReceiveAny(m => Sender.Tell(FlowDeadline.Remaining?.TotalMilliseconds ?? -1));
    }

    /// <summary>Reports through a queue, not a message: messages of a cancelled flow are (rightly) dropped on arrival.</summary>
    private sealed class WaitsForCancellation : ReceiveActor
    {
        public WaitsForCancellation(BlockingCollection<string> reports) => ReceiveAsync<string>(async _ =>
        {
            reports.Add("waiting");
            try
            {
                await Task.Delay(TimeSpan.FromSeconds(30), FlowDeadline.Token);
                reports.Add("not cancelled");
            }
            catch (OperationCanceledException)
            {
                reports.Add($"cancelled:{SeenId()}");
            }
        });
    }

    private sealed class StartsTimer : ReceiveActor, IWithTimers
    {
        public StartsTimer(IActorRef probe)
        {
            Receive<string>(s => s == "start", _ =>
            {
                Timers.StartSingleTimer("t", "fire", TimeSpan.FromMilliseconds(300));
                probe.Tell("started");
            });
            Receive<string>(s => s == "fire", _ => probe.Tell("timer ran user code"));
        }

        public ITimerScheduler Timers { get; set; } = null!;
    }

    [Fact]
    public async Task Deadline_TravelsThroughHops_RemainingTimeShrinksNeverGrows()
    {
        var last = Sys.ActorOf(Props.Create(() => new ReportsRemaining()));
        var chain = Sys.ActorOf(Props.Create(() => new Relay(Sys.ActorOf(Props.Create(() => new Relay(last))))));

        var remaining = await new MessageContext().Run(() =>
        {
            FlowDeadline.WithTimeout(TimeSpan.FromSeconds(3));
            return chain.Ask<double>("how long", TimeSpan.FromSeconds(5));
        });
        var none = await chain.Ask<double>("no deadline", TimeSpan.FromSeconds(5));

        Assert.InRange(remaining, 1, 3000);
        Assert.Equal(-1, none);
    }

    [Fact]
    public void Cancel_ReachesAnAwaitInsideReceiveAsync()
    {
        using var reports = new BlockingCollection<string>();
        var actor = Sys.ActorOf(Props.Create(() => new WaitsForCancellation(reports)));
        var scope = new MessageContext().Run(() =>
        {
            RequestId.Set("r-cancel");
            var s = FlowDeadline.WithCancellation();
            actor.Tell("work");
            return s;
        });

        Assert.True(reports.TryTake(out var first, TimeSpan.FromSeconds(5)));
        Assert.Equal("waiting", first);
        scope.Cancel();
        Assert.True(reports.TryTake(out var second, TimeSpan.FromSeconds(5)));
        Assert.Equal("cancelled:r-cancel", second);
    }

    [Fact]
    public void ExpiredMessage_NotHandedToUserCode_GoesToDeadLettersWithTheUsersMessage()
    {
        var deadLetters = CreateTestProbe();
        Sys.EventStream.Subscribe(deadLetters.Ref, typeof(DeadLetter));
        var actor = Sys.ActorOf(Props.Create(() => new ReportsRemaining()));

        new MessageContext().Run(() =>
        {
            FlowDeadline.WithDeadline(DateTimeOffset.UtcNow.AddSeconds(-1));
            actor.Tell("too late");
        });

        var dead = deadLetters.FishForMessage<DeadLetter>(d => Equals(d.Message, "too late"), TimeSpan.FromSeconds(5));
        Assert.Equal(actor, dead.Recipient);
        ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        actor.Tell("on time");
        ExpectMsg(-1.0);
    }

    [Fact]
    public void ExpiredMessages_SeveralToOneActor_LoggedOnceWithTheReason()
    {
        var actor = Sys.ActorOf(Props.Create(() => new ReportsRemaining()));

        EventFilter.Warning(contains: "deadline exceeded").Expect(1, TimeSpan.FromSeconds(5), () =>
            new MessageContext().Run(() =>
            {
                FlowDeadline.WithDeadline(DateTimeOffset.UtcNow.AddSeconds(-1));
                for (var i = 0; i < 3; i++)
                {
                    actor.Tell($"late-{i}");
                }
            }));
        ExpectNoMsg(TimeSpan.FromMilliseconds(100));
    }

    [Fact]
    public void TimerOfACancelledFlow_DoesNotRunUserCode()
    {
        var deadLetters = CreateTestProbe();
        Sys.EventStream.Subscribe(deadLetters.Ref, typeof(DeadLetter));
        var actor = Sys.ActorOf(Props.Create(() => new StartsTimer(TestActor)));

        var scope = new MessageContext().Run(() =>
        {
            var s = FlowDeadline.WithCancellation();
            actor.Tell("start");
            return s;
        });
        ExpectMsg("started");
        scope.Cancel();

        deadLetters.FishForMessage<DeadLetter>(d => Equals(d.Message, "fire"), TimeSpan.FromSeconds(5));
        ExpectNoMsg(TimeSpan.FromMilliseconds(300));
    }

    private sealed record Request(int N);

    private sealed class SlowHop : ReceiveActor
    {
        public SlowHop(IActorRef next) => Receive<Request>(r =>
            Context.System.Scheduler.ScheduleTellOnce(TimeSpan.FromMilliseconds(40), next, r, Sender));
    }

    private sealed class Answer : ReceiveActor
    {
        public Answer() => Receive<Request>(r => Sender.Tell(r.N));
    }

    [Fact]
    public async Task ThousandRequests_MixingExpiringAndHealthy_NoHealthyRequestLost()
    {
        var answer = Sys.ActorOf(Props.Create(() => new Answer()));
        var slow = Sys.ActorOf(Props.Create(() => new SlowHop(answer)));
        var healthy = new ConcurrentBag<int>();

        var tasks = Enumerable.Range(0, 1000).Select(n => new MessageContext().Run(async () =>
        {
            // Odd requests get a budget shorter than the slow hop's delay and must not be answered.
            FlowDeadline.WithTimeout(n % 2 == 0 ? TimeSpan.FromSeconds(30) : TimeSpan.FromMilliseconds(5));
            try
            {
                var reply = await slow.Ask<int>(new Request(n), TimeSpan.FromSeconds(n % 2 == 0 ? 30 : 1));
                if (n % 2 == 0)
                {
                    healthy.Add(reply);
                }
                else
                {
                    throw new InvalidOperationException($"expiring request {n} was answered");
                }
            }
            catch (AskTimeoutException) when (n % 2 == 1)
            {
            }
        })).ToArray();

        await Task.WhenAll(tasks);

        Assert.Equal(500, healthy.Count);
        Assert.Equal(Enumerable.Range(0, 500).Select(i => i * 2), healthy.OrderBy(i => i));
    }
}
