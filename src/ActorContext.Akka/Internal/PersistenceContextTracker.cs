using System.Collections;
using System.Reflection;
using Akka.Actor;
using Akka.Event;

namespace ActorContext.Akka.Internal;

/// <summary>
/// Gives Akka.Persistence callbacks (<c>Persist</c>, <c>PersistAsync</c>, <c>PersistAll</c>, <c>DeferAsync</c>) the
/// context of the command that registered them, instead of the context of the journal's reply.
/// </summary>
/// <remarks>
/// <para>
/// An event-sourced actor queues one pending invocation per callback and runs them first-in first-out as the
/// journal confirms writes. Writes are batched, and a batch is sent under whatever message is being handled when
/// it is flushed — often another command's write confirmation — so the reply's context is the wrong one for all
/// but the first callback. This tracker keeps a queue of contexts parallel to the actor's queue of invocations:
/// after each message it records the context for invocations the message added, and before each journal reply it
/// makes the context of the invocation about to run current.
/// </para>
/// <para>
/// Akka.Persistence is not a dependency of this package: the tracker is created only for actors deriving from
/// <c>Akka.Persistence.Eventsourced</c> and reads its private invocation queue by reflection (checked by a canary test;
/// missing, it is reported once as an error and journal replies run with no context).
/// </para>
/// </remarks>
internal sealed class PersistenceContextTracker
{
    private const string EventsourcedTypeName = "Akka.Persistence.Eventsourced";
    private const string InvocationsFieldName = "_pendingInvocations";
    private const string JournalResponseTypeName = "Akka.Persistence.IJournalResponse";

    private static readonly object s_typeLock = new();
    private static FieldInfo? s_invocationsField;
    private static Type? s_journalResponseType;
    private static int s_reported;

    // Null when this Akka.Persistence lacks the queue: the tracker is blind and journal replies run with no context.
    private readonly ICollection? _invocations;
    private readonly Type? _journalResponse;
    private readonly Queue<(object Invocation, ContextSnapshot? Context)> _contexts = new();

    private PersistenceContextTracker(ICollection? invocations, Type? journalResponse)
    {
        _invocations = invocations;
        _journalResponse = journalResponse;
    }

    /// <summary>A tracker for <paramref name="actor"/>, or <see langword="null"/> when it is not event-sourced.</summary>
    internal static PersistenceContextTracker? For(ActorBase actor)
    {
        var type = actor.GetType();
        while (type is not null && type.FullName != EventsourcedTypeName)
        {
            type = type.BaseType;
        }

        if (type is null)
        {
            return null;
        }

        lock (s_typeLock)
        {
            s_invocationsField ??= type.GetField(InvocationsFieldName, BindingFlags.Instance | BindingFlags.NonPublic);
            s_journalResponseType ??= type.Assembly.GetType(JournalResponseTypeName);
        }

        return Over(actor, s_invocationsField, s_journalResponseType, ReportOnce);
    }

    /// <summary>
    /// The tracker of <paramref name="actor"/>'s invocation queue, read with <paramref name="invocationsField"/>. When
    /// this Akka.Persistence lacks the field or <paramref name="journalResponse"/>, <paramref name="reportMissing"/> is
    /// told what is missing and the tracker is blind: journal replies run with no context, never with the context of
    /// whichever command's write the journal happened to confirm.
    /// </summary>
    internal static PersistenceContextTracker Over(object actor, FieldInfo? invocationsField, Type? journalResponse, Action<string> reportMissing)
    {
        if (journalResponse is not null && invocationsField?.GetValue(actor) is ICollection invocations)
        {
            return new PersistenceContextTracker(invocations, journalResponse);
        }

        reportMissing(journalResponse is null ? JournalResponseTypeName : $"{EventsourcedTypeName}.{InvocationsFieldName}");
        return new PersistenceContextTracker(null, journalResponse);
    }

    /// <summary>What <see cref="For"/> reads that <paramref name="eventsourced"/>'s Akka.Persistence lacks, or null.</summary>
    internal static string? FindMissing(Type eventsourced) =>
        eventsourced.GetField(InvocationsFieldName, BindingFlags.Instance | BindingFlags.NonPublic) is not { } field || !typeof(ICollection).IsAssignableFrom(field.FieldType)
            ? $"{EventsourcedTypeName}.{InvocationsFieldName}"
            : eventsourced.Assembly.GetType(JournalResponseTypeName) is null ? JournalResponseTypeName : null;

    private static void ReportOnce(string missing)
    {
        if (Interlocked.Exchange(ref s_reported, 1) != 0)
        {
            return;
        }

        var message =
            $"ActorContext: this Akka.Persistence lacks {missing}, so Persist/PersistAsync/DeferAsync callbacks run with no context " +
            "instead of the context of the command that registered them. Use an Akka.Persistence version the ActorContext README " +
            "lists as supported. (Said once per process.)";

        // For runs while Akka creates the actor, so its cell is the current one.
        if (global::Akka.Actor.Internal.InternalCurrentActorCellKeeper.Current?.System is { } system)
        {
            system.Log.Error(message);
        }
        else
        {
            Console.Error.WriteLine(message);
        }
    }

    /// <summary>The context to run <paramref name="message"/> under: the head invocation's for journal replies.</summary>
    internal ContextSnapshot? ContextFor(object message, ContextSnapshot? messageContext)
    {
        if (!IsFromJournal(message))
        {
            return messageContext;
        }

        if (_invocations is null)
        {
            return null;
        }

        if (_contexts.Count == 0 || _invocations.Count == 0)
        {
            return messageContext;
        }

        var (invocation, context) = _contexts.Peek();
        return ReferenceEquals(invocation, First(_invocations)) ? context : messageContext;
    }

    /// <summary>After a message: forget invocations that ran, record <paramref name="current"/> for new ones.</summary>
    internal void Sync(ContextSnapshot? current)
    {
        if (_invocations is null)
        {
            return;
        }

        // Invocations leave from the front, in order: drop ours until our front is the actor's front again.
        var first = _invocations.Count == 0 ? null : First(_invocations);
        while (_contexts.Count > 0 && !ReferenceEquals(_contexts.Peek().Invocation, first))
        {
            _contexts.Dequeue();
        }

        var added = _invocations.Count - _contexts.Count;
        if (added <= 0)
        {
            return;
        }

        var skip = _contexts.Count;
        foreach (var invocation in _invocations)
        {
            if (skip-- > 0)
            {
                continue;
            }

            _contexts.Enqueue((invocation, current));
        }
    }

    // Without IJournalResponse, the journal's replies are told apart by their namespace.
    private bool IsFromJournal(object message) =>
        _journalResponse?.IsInstanceOfType(message) ?? message.GetType().Namespace == "Akka.Persistence";

    private static object? First(ICollection invocations)
    {
        foreach (var invocation in invocations)
        {
            return invocation;
        }

        return null;
    }
}
