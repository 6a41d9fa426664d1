using System.Reflection;
using System.Collections.Concurrent;
using Akka.Actor;
using Akka.Event;
using Xunit.Abstractions;

namespace ActorContext.Akka.Tests;

public class FlowDeadlineCoreTests
{
    private static void Fresh(Action body) => new MessageContext().Run(body);

    [Fact]
    public void WithTimeout_InsideScope_RemainingAtMostBudget_OutsideNone()
    {
        Fresh(() =>
        {
            Assert.Null(FlowDeadline.Remaining);
            using (FlowDeadline.WithTimeout(TimeSpan.FromSeconds(5)))
            {
                Assert.InRange(FlowDeadline.Remaining!.Value, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(5));
                Assert.False(FlowDeadline.IsExpired);
                Assert.True(FlowDeadline.Token.CanBeCanceled);
            }

            Assert.Null(FlowDeadline.Remaining);
            Assert.False(FlowDeadline.Token.CanBeCanceled);
        });
    }

    [Fact]
    public void WithTimeout_ChildAskingForMore_KeepsTheParentsShorterDeadline()
    {
        Fresh(() =>
        {
            using var parent = FlowDeadline.WithTimeout(TimeSpan.FromMilliseconds(500));
            using var child = FlowDeadline.WithTimeout(TimeSpan.FromMinutes(5));
            Assert.True(FlowDeadline.Remaining <= TimeSpan.FromMilliseconds(500));
        });
    }

    [Fact]
    public async Task Token_FiresAtTheDeadline()
    {
        var token = new MessageContext().Run(() =>
        {
            FlowDeadline.WithTimeout(TimeSpan.FromMilliseconds(50));
            return FlowDeadline.Token;
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Task.Delay(TimeSpan.FromSeconds(10), token));
    }

    [Fact]
    public void Cancel_Parent_CancelsChild_ButNeverTheReverse()
    {
        Fresh(() =>
        {
            using var parent = FlowDeadline.WithCancellation();
            using var child = FlowDeadline.WithCancellation();
            child.Cancel();
            Assert.True(child.Token.IsCancellationRequested);
            Assert.False(parent.Token.IsCancellationRequested);

            using var second = FlowDeadline.WithCancellation();
            parent.Cancel();
            Assert.True(second.Token.IsCancellationRequested);
            Assert.True(FlowDeadline.IsExpired);
        });
    }

    [Fact]
    public void Cancel_Parent_ReachesGrandchildren_AndChildrenMadeAfterwardsAreBornCancelled()
    {
        Fresh(() =>
        {
            using var parent = FlowDeadline.WithCancellation();
            using var child = FlowDeadline.WithTimeout(TimeSpan.FromMinutes(1));
            using var grandchild = FlowDeadline.WithCancellation();

            parent.Cancel();

            Assert.True(child.Token.IsCancellationRequested);
            Assert.True(grandchild.Token.IsCancellationRequested);
            using var late = FlowDeadline.WithCancellation();
            Assert.True(late.Token.IsCancellationRequested);
        });
    }

    [Fact]
    public void LongLivedParent_DoesNotKeepChildrenNobodyUsesAlive()
    {
        Fresh(() =>
        {
            using var parent = FlowDeadline.WithCancellation();
            var children = MakeChildren(100, useTokens: false, deadline: TimeSpan.FromHours(1));

            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();

            // Children with a deadline or none, dropped by everyone: the parent's token does not hold them.
            Assert.All(children, c => Assert.False(c.TryGetTarget(out _)));
            Assert.False(parent.Token.IsCancellationRequested);
        });
    }

    [Fact]
    public void LongLivedParent_ChildrenWhoseTokensWereUsed_AreCollectedToo_AndLiveOnesStillCancel()
    {
        Fresh(() =>
        {
            using var parent = FlowDeadline.WithCancellation();
            // Children without deadlines: one whose token was asked for with a deadline has a timer until the deadline
            // (and so stays until then), whose firing this test would have to wait for.
            var children = MakeChildren(1_000, useTokens: true, deadline: null);
            using var live = FlowDeadline.WithCancellation();
            var liveToken = live.Token;

            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();

            Assert.All(children, c => Assert.False(c.TryGetTarget(out _)));
            parent.Cancel();
            Assert.True(liveToken.IsCancellationRequested);
        });
    }

    [Fact]
    public void Cancel_Parent_ReachesTokensAlreadyHandedOut()
    {
        Fresh(() =>
        {
            using var parent = FlowDeadline.WithCancellation();
            using var child = FlowDeadline.WithTimeout(TimeSpan.FromMinutes(1));
            var childToken = child.Token;
            using var grandchild = FlowDeadline.WithCancellation();
            var grandchildToken = grandchild.Token;

            parent.Cancel();

            Assert.True(childToken.IsCancellationRequested);
            Assert.True(grandchildToken.IsCancellationRequested);
        });
    }

    [Fact]
    public void Cancel_ReachesAGrandchildsToken_WhenOnlyThatTokenIsStillHeld()
    {
        Fresh(() =>
        {
            using var parent = FlowDeadline.WithCancellation();
            var grandchildToken = GrandchildTokenOnly();

            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            parent.Cancel();

            Assert.True(grandchildToken.IsCancellationRequested);
        });
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static CancellationToken GrandchildTokenOnly()
    {
        // The middle scope and everything but the grandchild's token become garbage when this returns.
        using var child = FlowDeadline.WithCancellation();
        using var grandchild = FlowDeadline.WithCancellation();
        return grandchild.Token;
    }

    [Fact]
    public void Cancel_AThrowingCallbackOnOneChild_DoesNotStopTheOthersBeingCancelled()
    {
        Fresh(() =>
        {
            using var parent = FlowDeadline.WithCancellation();
            var first = MessageContext.CopyCurrent();
            var second = MessageContext.CopyCurrent();
            var firstToken = first.Run(() => FlowDeadline.WithCancellation().Token);
            var secondToken = second.Run(() => FlowDeadline.WithCancellation().Token);
            firstToken.Register(() => throw new InvalidOperationException("callback failed"));

            var error = Assert.Throws<AggregateException>(() => parent.Cancel());

            Assert.Contains(error.Flatten().InnerExceptions, e => e.Message == "callback failed");
            Assert.True(firstToken.IsCancellationRequested);
            Assert.True(secondToken.IsCancellationRequested);
        });
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static List<WeakReference<object>> MakeChildren(int count, bool useTokens, TimeSpan? deadline)
    {
        var children = new List<WeakReference<object>>();
        for (var i = 0; i < count; i++)
        {
            // Each child is a request's scope: entered, captured into a context (as a message would), then left.
            MessageContext captured;
            object flowScope;
            using (var scope = i % 2 == 0 && deadline is { } due ? FlowDeadline.WithTimeout(due) : FlowDeadline.WithCancellation())
            {
                captured = MessageContext.CopyCurrent();
                if (useTokens)
                {
                    _ = scope.Token.CanBeCanceled; // makes the child's token source and hooks it to the parent
                }

                // The scope is the library's own entry, which no public surface shows: read it from the handle.
                flowScope = typeof(FlowCancellation).GetField("_scope", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(scope)!;
            }

            GC.KeepAlive(captured);
            children.Add(new WeakReference<object>(flowScope));
        }

        return children;
    }

    [Fact]
    public void WithTimeout_Negative_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => FlowDeadline.WithTimeout(TimeSpan.FromMilliseconds(-2)));
    }

    [Fact]
    public void WithDeadline_InThePast_IsExpiredAtOnce()
    {
        Fresh(() =>
        {
            using var scope = FlowDeadline.WithDeadline(DateTimeOffset.UtcNow.AddSeconds(-1));
            Assert.True(FlowDeadline.IsExpired);
            Assert.Equal(TimeSpan.Zero, FlowDeadline.Remaining);
            Assert.True(scope.Token.IsCancellationRequested);
        });
    }
}

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
