using ActorContext.Infrastructure;
using ActorContext.Akka.Infrastructure;
using Akka.Actor;
using Akka.Dispatch;

namespace ActorContext.Akka.Internal;

/// <summary>What every propagating scheduler does to a schedule: capture the scheduling code's context with it.</summary>
/// <remarks>
/// Tells to context-aware refs carry the context as the usual wrapper (timers included); other receivers and actions
/// run with the captured context made current around them. A one-off schedule keeps the trace; a repeating one
/// outlives the request that started it, so its ticks carry the context but not the trace.
/// </remarks>
internal static class ScheduledContext
{
    /// <summary>A one-off tell: a buffering actor's re-send through the scheduler keeps the context the message arrived with.</summary>
    internal static void CaptureOnce(ref ICanTell receiver, ref object message) =>
        Capture(ref receiver, ref message, ContextCapture.For(message));

    internal static void CaptureRepeating(ref ICanTell receiver, ref object message) =>
        Capture(ref receiver, ref message, ContextCapture.Untraced());

    internal static Action CaptureOnce(Action action) => Capture(action, ContextCapture.Current());

    internal static Action CaptureRepeating(Action action) => Capture(action, ContextCapture.Untraced());

    internal static IRunnable CaptureOnce(IRunnable action) => Capture(action, ContextCapture.Current());

    internal static IRunnable CaptureRepeating(IRunnable action) => Capture(action, ContextCapture.Untraced());

    /// <summary>The inner scheduler is called with flow suppressed: a worker it starts must not keep the first caller's context.</summary>
    internal static AsyncFlowControl SuppressFlow() =>
        ExecutionContext.IsFlowSuppressed() ? default : ExecutionContext.SuppressFlow();

    /// <summary>Runs <paramref name="action"/> under <paramref name="context"/> and puts back what was current.</summary>
    internal static void RunIn(ContextSnapshot? context, Action action)
    {
        var previous = ContextSnapshots.Current;
        ContextSnapshots.Restore(context);
        try
        {
            action();
        }
        finally
        {
            ContextSnapshots.Restore(previous);
        }
    }

    private static void Capture(ref ICanTell receiver, ref object message, ContextSnapshot? context)
    {
        if (ContextSnapshots.IsNullOrEmpty(context))
        {
            return;
        }

        if (receiver is IContextAwareRef)
        {
            message = MessageWithContext.Wrap(message, context);
        }
        else
        {
            receiver = new ContextRestoringReceiver(receiver, context);
        }
    }

    private static Action Capture(Action action, ContextSnapshot? context) =>
        ContextSnapshots.IsNullOrEmpty(context) ? action : () => RunIn(context, action);

    private static IRunnable Capture(IRunnable runnable, ContextSnapshot? context) =>
        ContextSnapshots.IsNullOrEmpty(context) ? runnable : new ContextRestoringRunnable(runnable, context);

    /// <summary>Tells a receiver that cannot unwrap (a temp Ask actor, a selection, a remote ref) under the captured context.</summary>
    private sealed class ContextRestoringReceiver(ICanTell receiver, ContextSnapshot context) : ICanTell
    {
        public void Tell(object message, IActorRef sender) => RunIn(context, () => receiver.Tell(message, sender));
    }

    private sealed class ContextRestoringRunnable(IRunnable runnable, ContextSnapshot context) : IRunnable
    {
        public void Run() => RunIn(context, runnable.Run);

#if NET6_0_OR_GREATER
        public void Execute() => Run();
#endif
    }
}

