using System.Diagnostics;

namespace ActorContext.Testing;

/// <summary>Activity listeners are process-wide: these tests run alone, so no other test's actors see them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TracingCollection
{
    public const string Name = "tracing";
}

/// <summary>
/// What a receiver saw of <see cref="Activity.Current"/> and the request ID (linked as source into the test projects
/// that check traces through actor hops).
/// </summary>
public sealed record ActivitySeen(
    string Tag,
    ActivityTraceId TraceId,
    ActivitySpanId SpanId,
    ActivitySpanId ParentSpanId,
    ActivityTraceFlags Flags,
    string? TraceState,
    string Baggage,
    string OperationName,
    string RequestId,
    bool Running)
{
    /// <summary>What the calling code sees now, tagged with <paramref name="tag"/>.</summary>
    public static ActivitySeen Now(string tag)
    {
        var current = Activity.Current;
        return current is null
            ? new ActivitySeen(tag, default, default, default, default, null, string.Empty, "(none)", ContextTestKit.SeenId(), false)
            : new ActivitySeen(
                tag,
                current.TraceId,
                current.SpanId,
                current.ParentSpanId,
                current.ActivityTraceFlags,
                current.TraceStateString,
                string.Join(",", current.Baggage.Select(b => $"{b.Key}={b.Value}")),
                current.OperationName,
                ContextTestKit.SeenId(),
                !current.IsStopped);
    }
}
