using System.ComponentModel;
using System.Diagnostics;

namespace ActorContext;

/// <summary>
/// The trace a message carries: the sender's span ids, trace state and baggage as they were when it was attached,
/// encoded once; and the sender's Activity when it is in this process: the value of the trace entry (see
/// <see cref="TraceCarrier"/>).
/// </summary>
/// <remarks>
/// Public only as an opaque handle for the ActorContext packages' seams (see
/// <see cref="Infrastructure.ContextSnapshots.GetTrace"/>), so the engine's trace capture holds it typed; it has no
/// public members. Not for applications.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class TraceParent
{
    internal TraceParent(Activity? local, ActivityContext context, KeyValuePair<string, string?>[] baggage, byte[] encoded)
    {
        Local = local;
        Context = context;
        Baggage = baggage;
        Encoded = encoded;
    }

    /// <summary>The sender's Activity, if it is in this process (it may have stopped since).</summary>
    internal Activity? Local { get; }

    internal ActivityContext Context { get; }

    /// <summary>In <see cref="Activity.Baggage"/> order (first wins for duplicate keys).</summary>
    internal KeyValuePair<string, string?>[] Baggage { get; }

    /// <summary>The entry's wire encoding (see <see cref="TraceCarrier"/>).</summary>
    internal byte[] Encoded { get; }

    /// <summary>
    /// The receive side's cache for this trace (the ExecutionContext a receiver enters it with); kept here, not per
    /// thread or in a table, so it lives exactly as long as the trace does and a traced receive finds it with one
    /// field read. Only the Akka integration reads or writes it.
    /// </summary>
    internal object? ReceiveCache { get; set; }

    internal static TraceParent Freeze(Activity activity)
    {
        var context = new ActivityContext(activity.TraceId, activity.SpanId, activity.ActivityTraceFlags, TraceCarrier.ValidTraceState(activity.TraceStateString));
        var baggage = activity.Baggage.ToArray();
        return new TraceParent(activity, context, baggage, TraceCarrier.TraceCodec.EncodeParts(context, baggage));
    }

    /// <summary>The trace in W3C <c>traceparent</c> form, for diagnostics.</summary>
    /// <returns>The traceparent header value.</returns>
    public override string ToString() => $"00-{Context.TraceId}-{Context.SpanId}-{(byte)Context.TraceFlags:x2}";
}
