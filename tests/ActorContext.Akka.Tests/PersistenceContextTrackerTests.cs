using System.Reflection;
using ActorContext.Akka.Internal;
using Akka.Persistence;

namespace ActorContext.Akka.Tests;

/// <summary>
/// On an Akka.Persistence without the internals the tracker reads, the tracker says so and journal replies run with no
/// context: never the context of whichever command's write the journal happened to confirm.
/// </summary>
public class PersistenceContextTrackerTests
{
    private static readonly ContextVar<string> Id = new("tracker-id");
    private static readonly Type JournalResponse = typeof(Eventsourced).Assembly.GetType("Akka.Persistence.IJournalResponse", throwOnError: true)!;

    // The context a journal reply arrives with (held in an envelope: the snapshot type is core's own).
    private static readonly ContextEnvelope Reply = new MessageContext().Run(() =>
    {
        Id.Set("the reply's");
        return (ContextEnvelope)MessageWithContext.Wrap(WriteMessagesSuccessful.Instance, global::Akka.Actor.ActorRefs.NoSender);
    });

    private sealed record Command(string Name);

    // ContextFor takes core's snapshot type, which this project does not see: called by reflection, with the reply's context.
    private static object? ContextFor(PersistenceContextTracker tracker, object message) =>
        typeof(PersistenceContextTracker)
            .GetMethod(nameof(ContextFor), BindingFlags.Instance | BindingFlags.NonPublic)!
            .Invoke(tracker, [message, Reply.Context]);

    [Fact]
    public void Over_InvocationsFieldMissing_ReportsItAndJournalRepliesRunWithNoContext()
    {
        var reported = new List<string>();

        var tracker = PersistenceContextTracker.Over(new object(), invocationsField: null, JournalResponse, reported.Add);

        Assert.Equal(["Akka.Persistence.Eventsourced._pendingInvocations"], reported);
        Assert.Null(ContextFor(tracker, WriteMessagesSuccessful.Instance));
        Assert.Same(Reply.Context, ContextFor(tracker, new Command("other")));
    }

    [Fact]
    public void Over_JournalResponseInterfaceMissing_ReportsIt_AndTellsRepliesByTheirNamespace()
    {
        var reported = new List<string>();
        var field = typeof(Eventsourced).GetField("_pendingInvocations", BindingFlags.Instance | BindingFlags.NonPublic);

        var tracker = PersistenceContextTracker.Over(new object(), field, journalResponse: null, reported.Add);

        Assert.Equal(["Akka.Persistence.IJournalResponse"], reported);
        Assert.Null(ContextFor(tracker, WriteMessagesSuccessful.Instance));
        Assert.Same(Reply.Context, ContextFor(tracker, new Command("other")));
    }

    [Fact]
    public void Sync_BlindTracker_RecordsNothingAndKeepsAnsweringNoContext()
    {
        var tracker = PersistenceContextTracker.Over(new object(), invocationsField: null, JournalResponse, static _ => { });

        typeof(PersistenceContextTracker).GetMethod(nameof(PersistenceContextTracker.Sync), BindingFlags.Instance | BindingFlags.NonPublic)!
            .Invoke(tracker, [Reply.Context]);

        Assert.Null(ContextFor(tracker, WriteMessagesSuccessful.Instance));
    }
}
