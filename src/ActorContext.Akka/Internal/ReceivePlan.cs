using Akka.Actor;

namespace ActorContext.Akka.Internal;

/// <summary>
/// How a <see cref="ContextActorCell"/> hands messages to one incarnation of its actor: chosen once, when the actor is
/// created or recreated, from what the actor is and the system's settings; never changed while it lives.
/// </summary>
/// <remarks>
/// Three ways in (<see cref="ReceivePath"/>); whether a message runs under its trace is decided per message, on top of
/// the plain and bookkeeping paths. What varies per message (its context) stays in the cell.
/// </remarks>
internal sealed class ReceivePlan
{
    /// <summary>The plan before any incarnation exists: nothing reaches Receive then, and it keeps no actor's state.</summary>
    internal static readonly ReceivePlan None = new(ReceivePath.Plain, null, false, false, false, false, null, false);

    private ReceivePlan(
        ReceivePath path,
        PersistenceContextTracker? persistence,
        bool remembersContexts,
        bool stashes,
        bool dropsExpired,
        bool hopSpans,
        ReceiveHook? hook,
        bool restoreAfterReceive)
    {
        Path = path;
        Persistence = persistence;
        RemembersContexts = remembersContexts;
        Stashes = stashes;
        DropsExpired = dropsExpired;
        HopSpans = hopSpans;
        Hook = hook;
        RestoreAfterReceive = restoreAfterReceive;
        HandlesInEnvelope = stashes || persistence is not null;
    }

    /// <summary>Which of the cell's receive paths every message of this incarnation takes.</summary>
    internal ReceivePath Path { get; }

    /// <summary>For an event-sourced actor: gives its callbacks their command's context.</summary>
    internal PersistenceContextTracker? Persistence { get; }

    /// <summary>Whether the actor buffers and re-sends messages, so each message's context is remembered (see <see cref="RememberedContexts"/>).</summary>
    internal bool RemembersContexts { get; }

    /// <summary>Whether the actor has a stash (wrapped in a <see cref="ContextStash"/>).</summary>
    internal bool Stashes { get; }

    /// <summary>
    /// Whether a message carried by a <see cref="SenderSlotCarrier"/> is handled as a <see cref="ContextEnvelope"/> in
    /// <c>CurrentMessage</c>: Akka's stashes (the actor's own, any it makes with <c>Context.CreateStash</c>, and
    /// Akka.Persistence's internal one) store <c>CurrentMessage</c> with <c>Sender</c>.
    /// </summary>
    internal bool HandlesInEnvelope { get; }

    /// <summary>Whether messages of an expired or cancelled flow go to dead letters instead of the actor.</summary>
    internal bool DropsExpired { get; }

    /// <summary>Whether a traced message gets a hop span of its own.</summary>
    internal bool HopSpans { get; }

    /// <summary>The hook of an Akka.Streams actor (<see cref="ReceivePath.Hooked"/>).</summary>
    internal ReceiveHook? Hook { get; }

    /// <summary>Whether the context current before a message is put back after it (the <c>restore-after-receive</c> setting).</summary>
    internal bool RestoreAfterReceive { get; }

    /// <summary>The plan for <paramref name="actor"/>, a new incarnation created under <paramref name="creationContext"/>.</summary>
    /// <param name="actor">The incarnation.</param>
    /// <param name="stashes">Whether its stash was wrapped in a <see cref="ContextStash"/>.</param>
    /// <param name="settings">The system's settings.</param>
    /// <param name="creationContext">The context the actor was created under (a stream actor's hook runs under it).</param>
    internal static ReceivePlan For(ActorBase actor, bool stashes, MessageContextSettings settings, ContextSnapshot? creationContext)
    {
        var type = actor.GetType();
        var persistence = PersistenceContextTracker.For(actor);
        var remembers = RememberedContexts.AppliesTo(type);

        // Akka's own actors (remoting endpoints, sharding regions, routers, the TestKit's probes) pass messages on: a
        // message of an expired flow is stopped where it would reach user code, not in the transport. They get no span
        // of their own (the trace passes through them in the context they pass on), but run under the sender's trace
        // like any actor: the logger actor writes Akka's log lines, and MEL reads trace ids there.
        var ns = type.Namespace ?? string.Empty;
        var akkas = ns == "Akka" || ns.StartsWith("Akka.", StringComparison.Ordinal);
        var hook = akkas ? ReceiveHook.For(actor, creationContext) : null;

        var path = hook is not null
            ? ReceivePath.Hooked
            : persistence is not null || remembers || settings.RestoreAfterReceive ? ReceivePath.Bookkeeping : ReceivePath.Plain;
        return new ReceivePlan(path, persistence, remembers, stashes, settings.DropExpired && !akkas, !akkas, hook, settings.RestoreAfterReceive);
    }
}
