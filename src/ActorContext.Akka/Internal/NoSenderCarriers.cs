using System.Runtime.CompilerServices;

namespace ActorContext.Akka.Internal;

/// <summary>
/// The carriers of sends with no sender (an edge: a controller, a test, a timer's callback): one per context, whatever
/// the thread, kept as long as the context lives and no longer.
/// </summary>
/// <remarks>
/// Such a carrier depends on the context alone, so it is kept in a table keyed by the snapshot, which keeps it exactly
/// as long as the snapshot lives. The table is consulted only on a miss of the per-thread front: the carrier this
/// thread used last, held weakly so a thread keeps no request alive. Consecutive sends under one context — the common
/// case at an edge — thus cost a thread-static read and a weak-reference read, and allocate nothing.
/// </remarks>
internal static class NoSenderCarriers
{
    private static readonly ConditionalWeakTable<ContextSnapshot, SenderSlotCarrier> s_byContext = new();

    [ThreadStatic]
    private static WeakReference<SenderSlotCarrier>? t_last;

    /// <summary>The carrier of a send with no sender under <paramref name="context"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static SenderSlotCarrier For(ContextSnapshot context)
    {
        var last = t_last;
        if (last is not null && last.TryGetTarget(out var carrier) && ReferenceEquals(carrier.Context, context))
        {
            return carrier;
        }

        return ForMissed(context);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static SenderSlotCarrier ForMissed(ContextSnapshot context)
    {
        // The carrier refers to its key; the table's entries are ephemerons, so that does not keep either alive.
        var carrier = s_byContext.GetValue(context, static c => new SenderSlotCarrier(null, c));
        var last = t_last;
        if (last is null)
        {
            t_last = new WeakReference<SenderSlotCarrier>(carrier);
        }
        else
        {
            last.SetTarget(carrier);
        }

        return carrier;
    }
}
