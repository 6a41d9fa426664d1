using System.Diagnostics;
using System.Runtime.CompilerServices;
using ActorContext.Infrastructure;

namespace ActorContext.Akka.Internal;

/// <summary>
/// The capture policy of the trace entry (core's <c>actor-context.trace</c>, reached through <see cref="ContextSnapshots"/>): when and how <see cref="Activity.Current"/>
/// becomes the trace a message carries, and the stand-in Activities a receiver runs under.
/// </summary>
/// <remarks>
/// Nothing is read from <see cref="Activity.Current"/> until an Activity has been current somewhere in the process
/// (<see cref="InUse"/>): a system that never traces pays nothing per message for this.
/// </remarks>
internal static class TraceCapture
{
    // Marks the stand-in Activities made for receivers (see CreateStandIn), with the trace they stand in for.
    private const string StandInProperty = "actor-context.stand-in-for";

    private static volatile bool s_inUse;
    private static int s_watching;

    // The last derivation made on this thread, held weakly: the table below keeps it as long as the derived snapshot's
    // trace lives, so it lives exactly as long as something (a queued message, a flow) holds that snapshot, and a thread
    // keeps no request alive. The table is written only when a derivation is made, never on a hit.
    [ThreadStatic]
    private static WeakReference<Derivation>? t_lastDerivation;

    private static readonly ConditionalWeakTable<TraceParent, Derivation> s_derivations = new();

    /// <summary>A context and the Activity it was sent under, and the snapshot derived from them.</summary>
    private sealed class Derivation(ContextSnapshot? baseContext, Activity activity, ContextSnapshot? derived)
    {
        public readonly ContextSnapshot? Base = baseContext;
        public readonly Activity Activity = activity;
        public readonly ContextSnapshot? Derived = derived;
    }

    /// <summary>Whether an Activity has been current in this process since <see cref="Watch"/>.</summary>
    internal static bool InUse => s_inUse;

    /// <summary>Starts watching for the first Activity to become current; idempotent.</summary>
    internal static void Watch()
    {
        if (s_inUse || Interlocked.Exchange(ref s_watching, 1) == 1)
        {
            return;
        }

        Activity.CurrentChanged += OnCurrentChanged;
        if (Activity.Current is not null)
        {
            MarkInUse();
        }
    }

    /// <summary>Turns capture on (a trace arrived from another node, or an Activity became current).</summary>
    internal static void MarkInUse()
    {
        if (s_inUse)
        {
            return;
        }

        s_inUse = true;
        Activity.CurrentChanged -= OnCurrentChanged;
    }

    private static void OnCurrentChanged(object? sender, ActivityChangedEventArgs e)
    {
        if (e.Current is not null)
        {
            MarkInUse();
        }
    }

    /// <summary>
    /// Returns <paramref name="context"/> with the current Activity as its trace entry, or unchanged when there is no
    /// current Activity (an inherited trace entry then stays) or it already is the entry.
    /// </summary>
    /// <remarks>
    /// The entry freezes the Activity's ids, trace state and baggage as they are now. A receiver that sends several
    /// messages derives one snapshot: the last derivation is kept per thread, so baggage added to the same Activity
    /// afterwards reaches other nodes only with the next context. Under a stand-in (see <see cref="CreateStandIn"/>)
    /// the trace it stands in for is passed on, never the stand-in, whose span is not reported. Activities with
    /// hierarchical ids (not W3C) are not carried.
    /// </remarks>
    internal static ContextSnapshot? Attach(ContextSnapshot? context)
    {
        var activity = Activity.Current;
        if (activity is null || ReferenceEquals(ContextSnapshots.GetTrace(context) is { } current ? ContextSnapshots.GetTraceActivity(current) : null, activity) || activity.IdFormat != ActivityIdFormat.W3C)
        {
            return context;
        }

        var last = t_lastDerivation;
        if (last is not null && last.TryGetTarget(out var kept) && ReferenceEquals(kept.Activity, activity) && ReferenceEquals(kept.Base, context))
        {
            return kept.Derived;
        }

        ContextSnapshot? derived;
        if (activity.GetCustomProperty(StandInProperty) is TraceParent original)
        {
            derived = ReferenceEquals(ContextSnapshots.GetTrace(context), original) ? context : ContextSnapshots.WithTrace(context, original);
        }
        else
        {
            derived = ContextSnapshots.WithTrace(context, ContextSnapshots.FreezeTrace(activity));
        }

        if (ContextSnapshots.GetTrace(derived) is { } trace)
        {
            var derivation = new Derivation(context, activity, derived);
            s_derivations.AddOrUpdate(trace, derivation);
            if (last is null)
            {
                t_lastDerivation = new WeakReference<Derivation>(derivation);
            }
            else
            {
                last.SetTarget(derivation);
            }
        }

        return derived;
    }

    /// <summary>
    /// An Activity for a receiver whose sender's Activity is not available (stopped, or on another node): it has the
    /// sender's trace id, parent span id, flags, trace state and baggage, and comes from no named ActivitySource;
    /// what the receiver sends under it carries <paramref name="trace"/> itself, never the stand-in.
    /// </summary>
    internal static Activity CreateStandIn(TraceParent trace, string operationName)
    {
        var standIn = new Activity(operationName);
        var parent = ContextSnapshots.GetTraceContext(trace);
        standIn.SetParentId(parent.TraceId, parent.SpanId, parent.TraceFlags);
        standIn.TraceStateString = parent.TraceState;
        CopyBaggage(trace, standIn);
        standIn.SetCustomProperty(StandInProperty, trace);
        return standIn;
    }

    /// <summary>Gives <paramref name="target"/> the trace's baggage, so <see cref="Activity.Baggage"/> reads the same.</summary>
    internal static void CopyBaggage(TraceParent trace, Activity target)
    {
        // AddBaggage puts an item in front of the ones added before it: add in reverse to keep the order, and with it
        // which of two items with the same key wins.
        var items = ContextSnapshots.GetTraceBaggage(trace);
        for (var i = items.Length - 1; i >= 0; i--)
        {
            target.AddBaggage(items[i].Key, items[i].Value);
        }
    }
}
