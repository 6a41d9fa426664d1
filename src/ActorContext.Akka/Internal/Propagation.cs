using System.Runtime.CompilerServices;
using Akka.Actor;
using Akka.Actor.Internal;
using Akka.Actor.Scheduler;
using Akka.Event;

namespace ActorContext.Akka.Internal;

/// <summary>The capture side of propagation, shared by every context-aware ref and the scheduler.</summary>
internal static class Propagation
{
    /// <summary>
    /// Wraps <paramref name="message"/> with the current context, or returns it unchanged when the context is
    /// empty or the message must reach Akka as it is.
    /// </summary>
    /// <remarks>
    /// Capture is one AsyncLocal read and, for a non-empty context, one small allocation: the snapshot is
    /// immutable and shared, never copied. A message an actor sends on under exactly the context it arrived with (an
    /// echo, a chain of tells with <c>Self</c> as sender) reuses the envelope it arrived in: envelopes are immutable,
    /// so sharing one is the same as making a new one with the same two references. The sending actor's cell keeps
    /// the envelope it is handling in a field, found through <paramref name="sender"/> when that is the actor itself
    /// (see <see cref="ReceivedBy"/>): a thread-static would cost a TLS lookup on every send and every receive. Auto-received messages (PoisonPill, Kill, Identify,
    /// Terminated, ActorSelectionMessage) are type-checked by the cell before Receive, so they are never wrapped.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static object Wrap(object message, IActorRef? sender)
    {
        var context = ContextFor(message);
        if (context is null || context.IsEmpty)
        {
            return message;
        }

        var received = ReceivedBy(sender);
        if (received is not null && ReferenceEquals(received.Message, message) && ReferenceEquals(received.Context, context))
        {
            return received;
        }

        return Wrap(message, context);
    }

    /// <summary>The envelope the sending actor is handling, if it is one of ours and handling one.</summary>
    /// <remarks>
    /// Most sends from Receive name the actor itself as sender: its ref leads to its cell without a thread-static
    /// lookup (exact type checks; both ref types are sealed). Otherwise (a <c>Forward</c> keeps the original sender)
    /// Akka's current-cell thread-static is asked. Read from any thread: a stale value is harmless, since an envelope
    /// is reused only when both its references match, which makes it identical to a new one.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ContextEnvelope? ReceivedBy(IActorRef? sender)
    {
        if (sender is not null)
        {
            var type = sender.GetType();
            if (type == typeof(ContextLocalActorRef))
            {
                return Unsafe.As<ContextLocalActorRef>(sender).Received ?? ReceivedByCurrentCell();
            }

            if (type == typeof(ContextRepointableActorRef))
            {
                return Unsafe.As<ContextRepointableActorRef>(sender).Received ?? ReceivedByCurrentCell();
            }
        }

        return ReceivedByCurrentCell();
    }

    private static ContextEnvelope? ReceivedByCurrentCell() =>
        InternalCurrentActorCellKeeper.Current is ContextActorCell cell ? cell.Received : null;

    /// <summary>
    /// The context <paramref name="message"/> is sent with now: the one a buffering actor remembers for it, else the
    /// current one (see <see cref="Capture"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ContextSnapshot? ContextFor(object message) =>
        RememberedContexts.AnyRemembering && RememberedContexts.TryRecall(message, out var remembered) ? remembered : Capture();

    /// <summary>Wraps <paramref name="message"/> with a non-empty <paramref name="context"/>, unless its type must reach Akka bare.</summary>
    internal static object Wrap(object message, ContextSnapshot context)
    {
        var kind = KindOf(message.GetType());
        return kind switch
        {
            WrapKind.Wrap => new ContextEnvelope(message, context),
            WrapKind.WrapNotInfluencing => new ContextEnvelope.NotInfluencingReceiveTimeout(message, context),

            // Dead letters stay bare: Akka recognises a DeadLetter sent to a stopped subscriber by its type and drops
            // it; wrapped, it would become a dead letter again, be published again, and recurse without end.
            _ => message,
        };
    }

    private enum WrapKind : byte
    {
        Bare,
        Wrap,
        WrapNotInfluencing,
    }

    // What to do with a message of a given type depends on the type alone: cache the answer in a small direct-mapped
    // table of immutable entries (a miss recomputes and replaces the entry; racing writers store equal answers).
    private sealed class KindEntry(Type type, WrapKind kind)
    {
        public readonly Type Type = type;
        public readonly WrapKind Kind = kind;
    }

    private const int KindCacheSize = 64;
    private static readonly KindEntry?[] s_kinds = new KindEntry?[KindCacheSize];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static WrapKind KindOf(Type type)
    {
        var slot = (int)((ulong)type.TypeHandle.Value >> 4) & (KindCacheSize - 1);
        var entry = s_kinds[slot];
        if (entry is not null && ReferenceEquals(entry.Type, type))
        {
            return entry.Kind;
        }

        var kind = ComputeKind(type);
        Volatile.Write(ref s_kinds[slot], new KindEntry(type, kind));
        return kind;
    }

    private static WrapKind ComputeKind(Type type)
    {
        if (typeof(ContextEnvelope).IsAssignableFrom(type) || typeof(IAutoReceivedMessage).IsAssignableFrom(type)
            || typeof(ReceiveTimeout).IsAssignableFrom(type) || typeof(AllDeadLetters).IsAssignableFrom(type))
        {
            return WrapKind.Bare;
        }

        return typeof(INotInfluenceReceiveTimeout).IsAssignableFrom(type) ? WrapKind.WrapNotInfluencing : WrapKind.Wrap;
    }

    /// <summary>The context a message sent now carries: the current snapshot plus, once tracing is in use, the current Activity.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ContextSnapshot? Capture()
    {
        var context = ContextSnapshot.Current;
        return TraceCarrier.InUse ? TraceCarrier.Attach(context) : context;
    }

    /// <summary>
    /// The context for something that outlives the current request — an actor's creation (its constructor, PreStart
    /// and everything it schedules from there) or a repeating schedule: the current context without a trace, so a
    /// long-lived actor or timer does not add to (and keep alive) the trace of the request that happened to start it.
    /// </summary>
    internal static ContextSnapshot? CaptureUntraced()
    {
        var context = ContextSnapshot.Current;
        return context?.Trace is null ? context : context.Without(TraceCarrier.Var);
    }

    /// <summary>Splits a delivered message into the user's message and the context it carried.</summary>
    /// <remarks>
    /// The stock scheduler adds its own marker around scheduled tells; the wrapper may sit inside it.
    /// <paramref name="envelope"/> is the wrapper when the message came in one directly (not scheduled).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static object Unwrap(object message, out ContextSnapshot? context, out ContextEnvelope? envelope)
    {
        // Exact type comparisons written inline, so the JIT compares method tables: a class check against the unsealed
        // ContextEnvelope would call a cast helper, and a GetType() kept in a local is a call too.
        if (message.GetType() == typeof(ContextEnvelope) || message.GetType() == typeof(ContextEnvelope.NotInfluencingReceiveTimeout))
        {
            envelope = Unsafe.As<ContextEnvelope>(message);
            context = envelope.Context;
            return envelope.Message;
        }

        envelope = null;
        return UnwrapScheduled(message, out context);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static object UnwrapScheduled(object message, out ContextSnapshot? context)
    {
        // An interface check on every unwrapped message costs more than comparing against Akka's two (internal,
        // sealed) scheduled-tell types.
        var type = message.GetType();
        var scheduledTell = s_scheduledTell is null || s_scheduledTellNoTimeout is null
            ? message is IScheduledTellMsg
            : type == s_scheduledTell || type == s_scheduledTellNoTimeout;
        if (scheduledTell && ((IScheduledTellMsg)message).Message is ContextEnvelope scheduled)
        {
            context = scheduled.Context;
            return scheduled.Message;
        }

        context = null;
        return message;
    }

    // Looked up by name because they are internal; should Akka rename them, the interface check above takes over.
    private static readonly Type? s_scheduledTell = typeof(IScheduledTellMsg).Assembly.GetType("Akka.Actor.Scheduler.ScheduledTellMsg");
    private static readonly Type? s_scheduledTellNoTimeout = typeof(IScheduledTellMsg).Assembly.GetType("Akka.Actor.Scheduler.ScheduledTellMsgNoInfluenceReceiveTimeout");

    /// <summary>Runs <paramref name="action"/> under <paramref name="context"/> and puts back what was current.</summary>
    internal static void RunIn(ContextSnapshot? context, Action action)
    {
        var previous = ContextSnapshot.Current;
        ContextSnapshot.Restore(context);
        try
        {
            action();
        }
        finally
        {
            ContextSnapshot.Restore(previous);
        }
    }
}
