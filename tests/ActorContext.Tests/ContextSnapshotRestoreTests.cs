namespace ActorContext.Tests;

/// <summary>
/// <see cref="ContextSnapshot.Restore"/>, the per-message switch of contexts: it swaps in a cached ExecutionContext when
/// the thread holds nothing but this library's value, and writes the AsyncLocal otherwise. Each test runs on a fresh
/// thread started with flow suppressed, the state a thread-pool thread starts a mailbox run in.
/// </summary>
public class ContextSnapshotRestoreTests
{
    private static readonly ContextVar<string> Id = new("restore-id");
    private static readonly AsyncLocal<string?> Other = new();

    private static ContextSnapshot Holding(string id) => ContextSnapshot.Empty.With(Id, id);

    /// <summary>Runs <paramref name="body"/> on a new thread with a clean ExecutionContext; rethrows what it threw.</summary>
    private static void OnCleanThread(Action body)
    {
        Exception? failure = null;
        using (ExecutionContext.SuppressFlow())
        {
            var thread = new Thread(() =>
            {
                try
                {
                    body();
                }
                catch (Exception e)
                {
                    failure = e;
                }
            });
            thread.Start();
            thread.Join();
        }

        if (failure is not null)
        {
            throw new Xunit.Sdk.XunitException($"on the clean thread: {failure}");
        }
    }

    [Fact]
    public void Restore_NullOnACleanThread_LeavesTheEmptyExecutionContext()
    {
        OnCleanThread(() =>
        {
            Assert.True(ContextSnapshot.IsEmptyExecutionContext(ExecutionContext.Capture()));

            ContextSnapshot.Restore(null);

            Assert.Null(ContextSnapshot.Current);
            Assert.True(ContextSnapshot.IsEmptyExecutionContext(ExecutionContext.Capture()));
        });
    }

    [Fact]
    public void Restore_SnapshotOnACleanThread_IsCurrent_AndTheThreadHoldsItsSoleExecutionContext()
    {
        var snapshot = Holding("a");
        OnCleanThread(() =>
        {
            ContextSnapshot.Restore(snapshot);

            Assert.Same(snapshot, ContextSnapshot.Current);
            Assert.Equal("a", Id.Get());
            Assert.True(snapshot.IsSoleExecutionContext(ExecutionContext.Capture()));
        });
    }

    [Fact]
    public void Restore_SnapshotThenNull_BackToTheEmptyExecutionContext()
    {
        OnCleanThread(() =>
        {
            ContextSnapshot.Restore(Holding("a"));
            ContextSnapshot.Restore(null);

            Assert.Null(ContextSnapshot.Current);
            Assert.Equal("none", Id.Get("none"));
            Assert.True(ContextSnapshot.IsEmptyExecutionContext(ExecutionContext.Capture()));
        });
    }

    [Fact]
    public void Restore_SameSnapshotConsecutively_KeepsTheSameExecutionContextInstance()
    {
        var snapshot = Holding("a");
        OnCleanThread(() =>
        {
            ContextSnapshot.Restore(snapshot);
            var first = ExecutionContext.Capture();

            ContextSnapshot.Restore(snapshot);

            Assert.Same(first, ExecutionContext.Capture());
            Assert.Same(snapshot, ContextSnapshot.Current);
        });
    }

    [Fact]
    public void Restore_AlternatingSnapshots_SwapsTheCachedExecutionContextsAndEachIsCurrentInTurn()
    {
        var a = Holding("a");
        var b = Holding("b");
        OnCleanThread(() =>
        {
            ContextSnapshot.Restore(a);
            var ofA = ExecutionContext.Capture();
            ContextSnapshot.Restore(b);
            var ofB = ExecutionContext.Capture();
            Assert.Equal("b", Id.Get());

            ContextSnapshot.Restore(a);

            Assert.Same(ofA, ExecutionContext.Capture());
            Assert.Equal("a", Id.Get());
            ContextSnapshot.Restore(b);
            Assert.Same(ofB, ExecutionContext.Capture());
            Assert.Equal("b", Id.Get());
        });
    }

    [Fact]
    public void Restore_OnAThreadWithAnotherAsyncLocalSet_KeepsThatValue()
    {
        var snapshot = Holding("a");
        OnCleanThread(() =>
        {
            Other.Value = "theirs";

            ContextSnapshot.Restore(snapshot);

            Assert.Same(snapshot, ContextSnapshot.Current);
            Assert.Equal("theirs", Other.Value);
            Assert.False(snapshot.IsSoleExecutionContext(ExecutionContext.Capture()));

            ContextSnapshot.Restore(null);

            Assert.Null(ContextSnapshot.Current);
            Assert.Equal("theirs", Other.Value);
        });
    }

    [Fact]
    public void Restore_AnotherAsyncLocalSetAfterASwap_IsKeptByTheNextRestore()
    {
        var a = Holding("a");
        var b = Holding("b");
        OnCleanThread(() =>
        {
            ContextSnapshot.Restore(a);
            Other.Value = "set-under-a";

            ContextSnapshot.Restore(b);

            Assert.Equal("b", Id.Get());
            Assert.Equal("set-under-a", Other.Value);
        });
    }

    [Fact]
    public void Restore_SnapshotSetThroughCurrent_IsNotSwappedBack()
    {
        var a = Holding("a");
        OnCleanThread(() =>
        {
            ContextSnapshot.Restore(a);
            Id.Set("changed");
            var changed = ContextSnapshot.Current;

            ContextSnapshot.Restore(changed);

            Assert.Equal("changed", Id.Get());
            ContextSnapshot.Restore(a);
            Assert.Equal("a", Id.Get());
        });
    }

    [Fact]
    public void Restore_SameSnapshotOnTwoThreads_EachSeesIt_AndTheSecondReusesTheCachedExecutionContext()
    {
        var snapshot = Holding("a");
        ExecutionContext? onFirst = null;
        ExecutionContext? onSecond = null;

        OnCleanThread(() =>
        {
            ContextSnapshot.Restore(snapshot);
            onFirst = ExecutionContext.Capture();
        });
        OnCleanThread(() =>
        {
            ContextSnapshot.Restore(snapshot);
            Assert.Equal("a", Id.Get());
            onSecond = ExecutionContext.Capture();
        });

        Assert.NotNull(onFirst);
        Assert.Same(onFirst, onSecond);
    }

    [Fact]
    public void Restore_OnAThreadThatSetTheSnapshotDirectly_WritesOnlyWhenItDiffers()
    {
        var snapshot = Holding("a");
        OnCleanThread(() =>
        {
            ContextSnapshot.Current = snapshot;
            var before = ExecutionContext.Capture();

            ContextSnapshot.Restore(snapshot);

            Assert.Same(before, ExecutionContext.Capture());
        });
    }

    [Fact]
    public void Restore_SnapshotOwnedByARunningContext_DoesNotChangeWhatOtherThreadsReadFromIt()
    {
        var context = new MessageContext();
        string? seenElsewhere = null;
        context.Run(() =>
        {
            Id.Set("first");
            var first = ContextSnapshot.Current;
            Id.Set("last-set");

            // Restore is the engine switching contexts, not code changing this one: the context is not told.
            ContextSnapshot.Restore(first);
            Assert.Equal("first", Id.Get());
            using (ExecutionContext.SuppressFlow())
            {
                var reader = new Thread(() => seenElsewhere = (string?)context[Id]);
                reader.Start();
                reader.Join();
            }
        });

        Assert.Equal("last-set", seenElsewhere);
    }
}
