using System.Runtime.CompilerServices;
using Akka.Actor;
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
    /// immutable and shared, never copied. A message sent on under exactly the context it arrived with (a forward,
    /// an echo) reuses the envelope it arrived in: envelopes are immutable, so sharing one is the same as making a
    /// new one with the same two references. Auto-received messages (PoisonPill, Kill, Identify, Terminated,
    /// ActorSelectionMessage) are type-checked by the cell before Receive, so they are never wrapped.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static object Wrap(object message)
    {
        var context = ContextFor(message);
        if (context is null || context.IsEmpty)
        {
            return message;
        }

        var received = t_received;
        if (received is not null && ReferenceEquals(received.Message, message) && ReferenceEquals(received.Context, context))
        {
            return received;
        }

        return Wrap(message, context);
    }

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

    /// <summary>
    /// The envelope last unwrapped on this thread (by the cell, before Receive), so a send of the
    /// same message under the same context can reuse it. A stale value is harmless: it is reused only when both its
    /// references match, which makes it identical to a new envelope.
    /// </summary>
    [ThreadStatic]
    private static ContextEnvelope? t_received;

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
    /// The stock scheduler adds its own marker around scheduled tells; the wrapper may sit inside it. Called by the
    /// cell only: it records the envelope for <see cref="Wrap(object)"/> (at most one per thread stays referenced).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static object Unwrap(object message, out ContextSnapshot? context)
    {
        // Exact type comparisons: a class check against the unsealed ContextEnvelope would call a cast helper for
        // every message that is not one.
        var type = message.GetType();
        if (type == typeof(ContextEnvelope) || type == typeof(ContextEnvelope.NotInfluencingReceiveTimeout))
        {
            var envelope = Unsafe.As<ContextEnvelope>(message);
            t_received = envelope;
            context = envelope.Context;
            return envelope.Message;
        }

        // An interface check on every unwrapped message costs more than comparing against Akka's two (internal,
        // sealed) scheduled-tell types.
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
