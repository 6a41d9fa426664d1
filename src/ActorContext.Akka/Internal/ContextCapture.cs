using ActorContext.Infrastructure;
using System.Runtime.CompilerServices;

namespace ActorContext.Akka.Internal;

/// <summary>The capture side of propagation: which context a message, a schedule or a new actor takes with it.</summary>
/// <remarks>
/// Capture is one read of the AsyncLocal; the snapshot is immutable and shared, never copied. How the captured context
/// then travels with the message is <see cref="MessageWithContext"/>'s business.
/// </remarks>
internal static class ContextCapture
{
    /// <summary>The context a message sent now carries: the current snapshot plus, once tracing is in use, the current Activity.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ContextSnapshot? Current()
    {
        var context = ContextSnapshots.Current;
        return TraceCapture.InUse ? TraceCapture.Attach(context) : context;
    }

    /// <summary>
    /// The context <paramref name="message"/> is sent with now: the one a buffering actor remembers for it, else the
    /// current one (see <see cref="Current"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static ContextSnapshot? For(object message) =>
        RememberedContexts.AnyRemembering && RememberedContexts.TryRecall(message, out var remembered) ? remembered : Current();

    /// <summary>
    /// The context for something that outlives the current request — an actor's creation (its constructor, PreStart
    /// and everything it schedules from there) or a repeating schedule: the current context without a trace, so a
    /// long-lived actor or timer does not add to (and keep alive) the trace of the request that happened to start it.
    /// </summary>
    internal static ContextSnapshot? Untraced()
    {
        var context = ContextSnapshots.Current;
        return context is null || !ContextSnapshots.HasTrace(context) ? context : ContextSnapshots.WithoutTrace(context);
    }
}
