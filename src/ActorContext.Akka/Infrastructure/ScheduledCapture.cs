using System.ComponentModel;
using ActorContext.Akka.Internal;
using Akka.Actor;
using Akka.Dispatch;

namespace ActorContext.Akka.Infrastructure;

/// <summary>
/// What a propagating scheduler does to each schedule, for a scheduler the engine cannot wrap: the seam
/// ActorContext.TestKit's virtual-time scheduler uses.
/// </summary>
/// <remarks>
/// <para>
/// A one-off schedule captures the scheduling code's context with its trace; a repeating one outlives the request that
/// started it, so its ticks carry the context but not the trace. Tells to context-aware refs carry the context as the
/// usual wrapper; other receivers and actions run with the captured context made current around them.
/// </para>
/// <para>
/// For ActorContext packages; not for applications; changes between versions, which is why ActorContext packages depend
/// on each other at exactly one version.
/// </para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ScheduledCapture
{
    /// <summary>Captures the context for a one-off tell: <paramref name="receiver"/> or <paramref name="message"/> is replaced.</summary>
    /// <param name="receiver">The receiver of the scheduled tell.</param>
    /// <param name="message">The message.</param>
    public static void Once(ref ICanTell receiver, ref object message)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        ArgumentNullException.ThrowIfNull(message);
        ScheduledContext.CaptureOnce(ref receiver, ref message);
    }

    /// <summary>Captures the context, without the trace, for a repeating tell.</summary>
    /// <param name="receiver">The receiver of the scheduled tell.</param>
    /// <param name="message">The message.</param>
    public static void Repeating(ref ICanTell receiver, ref object message)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        ArgumentNullException.ThrowIfNull(message);
        ScheduledContext.CaptureRepeating(ref receiver, ref message);
    }

    /// <summary>A one-off action that runs in the current context.</summary>
    /// <param name="action">The scheduled action.</param>
    /// <returns>The action to schedule instead.</returns>
    public static Action Once(Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return ScheduledContext.CaptureOnce(action);
    }

    /// <summary>A repeating action that runs in the current context, without the trace.</summary>
    /// <param name="action">The scheduled action.</param>
    /// <returns>The action to schedule instead.</returns>
    public static Action Repeating(Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return ScheduledContext.CaptureRepeating(action);
    }

    /// <summary>A one-off runnable that runs in the current context.</summary>
    /// <param name="action">The scheduled runnable.</param>
    /// <returns>The runnable to schedule instead.</returns>
    public static IRunnable Once(IRunnable action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return ScheduledContext.CaptureOnce(action);
    }

    /// <summary>A repeating runnable that runs in the current context, without the trace.</summary>
    /// <param name="action">The scheduled runnable.</param>
    /// <returns>The runnable to schedule instead.</returns>
    public static IRunnable Repeating(IRunnable action)
    {
        ArgumentNullException.ThrowIfNull(action);
        return ScheduledContext.CaptureRepeating(action);
    }
}
