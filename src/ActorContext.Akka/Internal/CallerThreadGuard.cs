using ActorContext.Infrastructure;
using Akka.Dispatch;

namespace ActorContext.Akka.Internal;

/// <summary>Which dispatchers run an actor's mailbox inline, on the thread that sends to it.</summary>
/// <remarks>
/// Akka's own <see cref="Dispatcher"/> (thread pool, fork-join, pinned, task-scheduler executors) always runs a
/// mailbox as separate work whose ExecutionContext is reset afterwards. Anything else — the TestKit's
/// CallingThreadDispatcher, custom dispatchers — is treated as running on the caller's thread, so the refs put the
/// caller's context back after each delivery.
/// </remarks>
internal static class CallerThreadGuard
{
    internal static bool RunsOnCallerThread(MessageDispatcher dispatcher) => dispatcher is not global::Akka.Dispatch.Dispatcher;

    /// <summary>Remembers the caller's context; disposing puts it back.</summary>
    internal static Scope Keep() => new(ContextSnapshots.Current);

    internal readonly struct Scope(ContextSnapshot? previous) : IDisposable
    {
        public void Dispose() => ContextSnapshots.Restore(previous);
    }
}
