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
    /// immutable and shared, never copied. Auto-received messages (PoisonPill, Kill, Identify, Terminated,
    /// ActorSelectionMessage) are type-checked by the cell before Receive, so they are never wrapped.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static object Wrap(object message)
    {
        var context = RememberedContexts.TryRecall(message, out var remembered) ? remembered : Capture();
        if (context is null || context.IsEmpty || message is ContextEnvelope || message is IAutoReceivedMessage || message is ReceiveTimeout
            || message is AllDeadLetters)
        {
            // Dead letters stay bare: Akka recognises a DeadLetter sent to a stopped subscriber by its type and drops
            // it; wrapped, it would become a dead letter again, be published again, and recurse without end.
            return message;
        }

        return ContextEnvelope.Create(message, context);
    }

    /// <summary>The context a message sent now carries: the current snapshot plus, once tracing is in use, the current Activity.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ContextSnapshot? Capture()
    {
        var context = ContextSnapshot.Current;
        return TraceCarrier.InUse ? TraceCarrier.Attach(context) : context;
    }

    /// <summary>Splits a delivered message into the user's message and the context it carried.</summary>
    /// <remarks>The stock scheduler adds its own marker around scheduled tells; the wrapper may sit inside it.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static object Unwrap(object message, out ContextSnapshot? context)
    {
        if (message is ContextEnvelope envelope)
        {
            context = envelope.Context;
            return envelope.Message;
        }

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
