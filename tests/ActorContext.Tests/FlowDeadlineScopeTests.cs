using System.Collections.Concurrent;
using System.Reflection;

namespace ActorContext.Tests;

public class FlowDeadlineScopeTests
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
