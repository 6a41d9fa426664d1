using System.ComponentModel;
using System.Diagnostics;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace ActorContext.Infrastructure;

/// <summary>
/// The operations on an opaque <see cref="ContextSnapshot"/> that the engine (ActorContext.Akka) performs on every send
/// and receive: the current snapshot, entering one around a Receive, and the library-owned trace and deadline entries.
/// </summary>
/// <remarks>
/// <para>
/// The engine needs most of what a snapshot is; rather than hand it every internal type, core hands it this list, each
/// member a forward small enough for the JIT to inline across the assembly boundary (the hot ones are marked so), so
/// the seam costs nothing per message. For the same reason the per-message members do not check their arguments: a
/// null snapshot where one is required is a bug in an ActorContext package and fails there.
/// </para>
/// <para>
/// For ActorContext packages; not for applications; changes between versions, which is why ActorContext packages depend
/// on each other at exactly one version.
/// </para>
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ContextSnapshots
{
    /// <summary>The snapshot current in this flow; null when nothing was ever set. Setting it writes the AsyncLocal as is.</summary>
    public static ContextSnapshot? Current
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => ContextSnapshot.Current;
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        set => ContextSnapshot.Current = value;
    }

    /// <summary>Makes <paramref name="snapshot"/> current, without allocating when the thread already holds exactly it.</summary>
    /// <param name="snapshot">The snapshot to enter; null for none.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Restore(ContextSnapshot? snapshot) => ContextSnapshot.Restore(snapshot);

    /// <summary>Whether <paramref name="snapshot"/> is null or has no entries.</summary>
    /// <param name="snapshot">The snapshot, if any.</param>
    /// <returns>True when there is nothing to carry.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsNullOrEmpty([NotNullWhen(false)] ContextSnapshot? snapshot) => snapshot is null || snapshot.IsEmpty;

    /// <summary>How many entries <paramref name="snapshot"/> has that its user can see (the library's own not counted), for diagnostics.</summary>
    /// <param name="snapshot">The snapshot.</param>
    /// <returns>The count.</returns>
    public static int VisibleCount(ContextSnapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        return snapshot.VisibleCount;
    }

    /// <summary>Whether a thread's ExecutionContext is the one a thread has when nothing was set (so no snapshot is current).</summary>
    /// <param name="executionContext">The thread's, from <see cref="ExecutionContext.Capture"/>.</param>
    /// <returns>True when nothing is set.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsEmptyExecutionContext(ExecutionContext? executionContext) => ContextSnapshot.IsEmptyExecutionContext(executionContext);

    /// <summary>Whether a thread's ExecutionContext holds <paramref name="snapshot"/> and no other AsyncLocal value.</summary>
    /// <param name="snapshot">The snapshot.</param>
    /// <param name="executionContext">The thread's, from <see cref="ExecutionContext.Capture"/>.</param>
    /// <returns>True when it holds exactly that snapshot.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsSoleExecutionContext(ContextSnapshot snapshot, ExecutionContext? executionContext) =>
        snapshot.IsSoleExecutionContext(executionContext);

    /// <summary>The trace entry of <paramref name="snapshot"/> (an opaque handle for the members below); null when it has none.</summary>
    /// <param name="snapshot">The snapshot, if any.</param>
    /// <returns>The trace, or null.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static TraceParent? GetTrace(ContextSnapshot? snapshot) => snapshot?.Trace;

    /// <summary>Whether <paramref name="snapshot"/> carries a trace.</summary>
    /// <param name="snapshot">The snapshot.</param>
    /// <returns>True when it has a trace entry.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool HasTrace(ContextSnapshot snapshot) => snapshot.Trace is not null;

    /// <summary><paramref name="context"/> (or an empty one) with <paramref name="trace"/> as its trace entry.</summary>
    /// <param name="context">The context being captured, if any.</param>
    /// <param name="trace">A trace from <see cref="GetTrace"/> or <see cref="FreezeTrace"/>.</param>
    /// <returns>The context with the trace.</returns>
    public static ContextSnapshot WithTrace(ContextSnapshot? context, TraceParent trace) =>
        (context ?? ContextSnapshot.Empty).With(TraceCarrier.Var, trace);

    /// <summary><paramref name="snapshot"/> without its trace.</summary>
    /// <param name="snapshot">The snapshot.</param>
    /// <returns>The snapshot without the trace entry.</returns>
    public static ContextSnapshot WithoutTrace(ContextSnapshot snapshot) => snapshot.Without(TraceCarrier.Var);

    /// <summary>A trace entry with <paramref name="activity"/>'s ids, trace state and baggage as they are now.</summary>
    /// <param name="activity">A W3C Activity.</param>
    /// <returns>The trace, for <see cref="WithTrace"/>.</returns>
    public static TraceParent FreezeTrace(Activity activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        return TraceParent.Freeze(activity);
    }

    /// <summary>The sender's own Activity when <paramref name="trace"/> was captured in this process; else null.</summary>
    /// <param name="trace">A trace from <see cref="GetTrace"/>.</param>
    /// <returns>The Activity, possibly stopped since.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Activity? GetTraceActivity(TraceParent trace) => trace.Local;

    /// <summary>The W3C trace context (ids, flags, trace state) of <paramref name="trace"/>.</summary>
    /// <param name="trace">A trace from <see cref="GetTrace"/>.</param>
    /// <returns>The sender's span as a parent.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ActivityContext GetTraceContext(TraceParent trace) => trace.Context;

    /// <summary>The baggage of <paramref name="trace"/>, in the order the sender's Activity listed it.</summary>
    /// <param name="trace">A trace from <see cref="GetTrace"/>.</param>
    /// <returns>The items; never modify the array.</returns>
    public static KeyValuePair<string, string?>[] GetTraceBaggage(TraceParent trace) => trace.Baggage;

    /// <summary>What the engine keeps on <paramref name="trace"/> to enter it again without allocating.</summary>
    /// <param name="trace">A trace from <see cref="GetTrace"/>.</param>
    /// <returns>The cached value; null until the engine stores one.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static object? GetTraceReceiveCache(TraceParent trace) => trace.ReceiveCache;

    /// <summary>Keeps <paramref name="value"/> on <paramref name="trace"/> (see <see cref="GetTraceReceiveCache"/>).</summary>
    /// <param name="trace">A trace from <see cref="GetTrace"/>.</param>
    /// <param name="value">The value to keep.</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void SetTraceReceiveCache(TraceParent trace, object? value) => trace.ReceiveCache = value;

    /// <summary>Whether any flow in this process has had a deadline or cancellation: before, no receive looks for one.</summary>
    public static bool DeadlinesInUse
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => FlowScope.InUse;
    }

    /// <summary>Whether the flow of <paramref name="snapshot"/> has given up (deadline passed, or cancelled).</summary>
    /// <param name="snapshot">The snapshot a message carries.</param>
    /// <param name="cancelled">True when it was cancelled before its deadline; false when its deadline passed.</param>
    /// <returns>True when its flow is done.</returns>
    public static bool IsFlowDone(ContextSnapshot snapshot, out bool cancelled)
    {
        if (snapshot.TryGet(FlowDeadline.Current, out var value) && value is FlowScope { IsDone: true } flow)
        {
            cancelled = flow.IsCancelled && flow.Remaining != TimeSpan.Zero;
            return true;
        }

        cancelled = false;
        return false;
    }

    /// <summary><paramref name="context"/> with its flow's deadline and cancellation frozen as they are now, for a message sent with it.</summary>
    /// <param name="context">The context a message is sent with.</param>
    /// <returns>The context to send.</returns>
    public static ContextSnapshot FreezeForWire(ContextSnapshot context) => FlowDeadline.FreezeForWire(context);
}
