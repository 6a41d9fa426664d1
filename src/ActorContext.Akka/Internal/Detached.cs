using System.Diagnostics;
using ActorContext.Infrastructure;

namespace ActorContext.Akka.Internal;

/// <summary>Runs an actor system's own start-up code apart from the request that happens to create the system.</summary>
/// <remarks>
/// A system created inside a request's scope (a test, a host started under an Activity, an edge that lazily builds a
/// system) would otherwise hand that request's context and Activity to everything it starts: transport event loops and
/// dispatcher threads capture the creating thread's ExecutionContext, and a message that later arrives from another
/// node with no context would run under the creator's. Here the code runs with no context and no Activity current, and
/// with ExecutionContext flow suppressed, so threads and tasks it starts inherit nothing; the caller's context is put
/// back afterwards.
/// </remarks>
internal static class Detached
{
    internal static void Run(Action action)
    {
        var snapshot = ContextSnapshots.Current;
        var activity = Activity.Current;
        if (snapshot is not null)
        {
            ContextSnapshots.Current = null;
        }

        if (activity is not null)
        {
            Activity.Current = null;
        }

        var flow = ExecutionContext.IsFlowSuppressed() ? default(AsyncFlowControl?) : ExecutionContext.SuppressFlow();
        try
        {
            action();
        }
        finally
        {
            flow?.Undo();
            if (activity is not null)
            {
                Activity.Current = activity;
            }

            if (snapshot is not null)
            {
                ContextSnapshots.Current = snapshot;
            }
        }
    }
}
