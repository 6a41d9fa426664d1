using System.Runtime.CompilerServices;
using Akka.Actor;
using Akka.Actor.Scheduler;

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
        var context = ContextSnapshot.Current;
        if (context is null || context.IsEmpty || message is ContextEnvelope || message is IAutoReceivedMessage || message is ReceiveTimeout)
        {
            return message;
        }

        return ContextEnvelope.Create(message, context);
    }

    /// <summary>Splits a delivered message into the user's message and the context it carried.</summary>
    /// <remarks>The stock scheduler adds its own marker around scheduled tells; the wrapper may sit inside it.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static object Unwrap(object message, out ContextSnapshot? context)
    {
        switch (message)
        {
            case ContextEnvelope envelope:
                context = envelope.Context;
                return envelope.Message;
            case IScheduledTellMsg { Message: ContextEnvelope scheduled }:
                context = scheduled.Context;
                return scheduled.Message;
            default:
                context = null;
                return message;
        }
    }

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
