using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using ActorContext.Akka.Internal;
using ActorContext.Infrastructure;

namespace ActorContext.Akka.Infrastructure;

/// <summary>
/// What ActorContext.Streams needs of the engine's capture policy: the context an element written now carries, and the
/// trace stand-ins a stage runs under, so that a stream element and a message capture the same way.
/// </summary>
/// <remarks>
/// The receive side of the seam is <see cref="StreamReceiveHook"/>. For ActorContext packages; not for applications;
/// changes between versions, which is why ActorContext packages depend on each other at exactly one version.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class StreamCapture
{
    /// <summary>The context something written now carries, as a <c>Tell</c> would capture it (the current Activity included once tracing is in use).</summary>
    /// <returns>The context; null when none is current.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ContextSnapshot? Current() => ContextCapture.Current();

    /// <summary>Whether an Activity has been current in this process: before, no element looks for a trace.</summary>
    public static bool TracesInUse
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => TraceCapture.InUse;
    }

    /// <summary>An Activity standing in for <paramref name="trace"/> when the sender's Activity is not available.</summary>
    /// <param name="trace">A context's trace (<see cref="ContextSnapshots.GetTrace"/>).</param>
    /// <param name="operationName">The stand-in's operation name.</param>
    /// <returns>The stand-in, not started; what is captured under it carries <paramref name="trace"/>, never the stand-in.</returns>
    public static Activity CreateTraceStandIn(TraceParent trace, string operationName)
    {
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(operationName);
        return TraceCapture.CreateStandIn(trace, operationName);
    }
}
