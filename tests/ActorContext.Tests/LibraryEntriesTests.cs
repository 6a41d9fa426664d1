using System.Diagnostics;

namespace ActorContext.Tests;

/// <summary>The library's own entries (deadline, trace) travel with a context but no public surface shows them.</summary>
public class LibraryEntriesTests
{
    private static readonly ContextVar<string> RequestId = new("library-entries-request-id");

    [Fact]
    public void Deadline_IsNeverListedCountedComparedOrLookedUp()
    {
        Ambient.Run(() =>
        {
            RequestId.Set("r-1");
            var without = MessageContext.CopyCurrent();
            using (FlowDeadline.WithTimeout(TimeSpan.FromMinutes(1)))
            {
                var with = MessageContext.CopyCurrent();

                Assert.True(with.Count == 1, $"Count is {with.Count}");
                Assert.Equal([RequestId], with.Keys);
                Assert.Equal("{library-entries-request-id=r-1}", with.ToString());
                Assert.Null(with.Lookup("actor-context.deadline"));
                Assert.Equal(without, with);
                Assert.Equal(without.GetHashCode(), with.GetHashCode());

                // It still travels with the context.
                with.Run(() => Assert.NotNull(FlowDeadline.Remaining));
            }
        });
    }

    [Fact]
    public void Trace_IsNeverListedCountedComparedOrLookedUp()
    {
        Ambient.Run(() =>
        {
            using var activity = new Activity("edge").SetIdFormat(ActivityIdFormat.W3C).Start();
            RequestId.Set("r-2");
            var traced = MessageContext.FromSnapshot(ContextSnapshot.Current!.With(TraceCarrier.Var, TraceParent.Freeze(activity)));

            Assert.NotNull(traced.Snapshot.Trace);
            Assert.True(traced.Count == 1, $"Count is {traced.Count}");
            Assert.Null(traced.Lookup(TraceCarrier.VarName));
            Assert.Equal(MessageContext.CopyCurrent(), traced);
        });
    }

    [Fact]
    public void RequestContext_KeysAreNotInternedYetASetReplacesTheEntryOfThatName()
    {
        Ambient.Run(() =>
        {
            var key = $"tenant-{Guid.NewGuid():N}";
            RequestContext.Set(key, "a");
            var first = MessageContext.CopyCurrent();
            RequestContext.Set(key, "b");

            Assert.Equal("b", RequestContext.Get(key));
            Assert.Equal([key], RequestContext.Keys);

            // Another context with the same key name, made elsewhere, is equal by contents.
            var other = new MessageContext();
            other.Run(() => RequestContext.Set(key, "a"));
            Assert.Equal(first, other);
            Assert.Equal(first.GetHashCode(), other.GetHashCode());

            Assert.True(RequestContext.Remove(key));
            Assert.Null(RequestContext.Get(key));
        });
    }
}
