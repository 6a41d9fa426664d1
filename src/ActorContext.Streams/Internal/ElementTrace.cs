using System.Diagnostics;
using ActorContext.Akka.Infrastructure;
using ActorContext.Infrastructure;

namespace ActorContext.Streams.Internal;

/// <summary>
/// Keeps <see cref="Activity.Current"/> in agreement with the element a stage handles: the trace its context carries,
/// or none.
/// </summary>
/// <remarks>
/// Akka.Streams traces elements itself once someone listens to its <c>Akka.Streams</c> source: it captures
/// <see cref="Activity.Current"/> when an element is pushed. A stage that pushes a kept element from another
/// element's callback (SelectAsync's ordered results, a queue's buffer) hands it that other element's Activity, while
/// this package knows which element it is. Since what a stage sends carries <see cref="Activity.Current"/> as its trace,
/// a disagreement would send one request's values with another's trace: the element's own trace wins. Nothing is done
/// until an Activity has been current in the process.
/// </remarks>
internal static class ElementTrace
{
    private const string StandInName = "ActorContext.StreamElement";

    /// <summary>What <see cref="Exit"/> puts back.</summary>
    internal readonly record struct Entered(bool Changed, Activity? Previous, Activity? StandIn);

    /// <summary>Makes the trace of <paramref name="context"/> (or none) current, when the current Activity is another trace.</summary>
    internal static Entered Enter(ContextSnapshot? context)
    {
        if (!StreamCapture.TracesInUse)
        {
            return default;
        }

        var current = Activity.Current;
        if (ContextSnapshots.GetTrace(context) is not { } trace)
        {
            if (current is null)
            {
                return default;
            }

            Activity.Current = null;
            return new Entered(true, current, null);
        }

        if (current is not null && current.TraceId == ContextSnapshots.GetTraceContext(trace).TraceId)
        {
            return default;
        }

        if (ContextSnapshots.GetTraceActivity(trace) is { IsStopped: false } local)
        {
            Activity.Current = local;
            return new Entered(true, current, null);
        }

        var standIn = StreamCapture.CreateTraceStandIn(trace, StandInName).Start();
        return new Entered(true, current, standIn);
    }

    /// <summary>Undoes <see cref="Enter"/>.</summary>
    internal static void Exit(in Entered entered)
    {
        if (!entered.Changed)
        {
            return;
        }

        entered.StandIn?.Stop();
        Activity.Current = entered.Previous is { IsStopped: true } ? null : entered.Previous;
    }
}
