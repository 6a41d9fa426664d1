using ActorContext.Infrastructure;
using Akka.Actor;
using Akka.Util;

namespace ActorContext.Akka.Internal;

/// <summary>
/// The sender slot of Akka's <see cref="Envelope"/>, carrying the sender's context next to the real sender: how a local
/// message travels with a context and without a wrapper of its own.
/// </summary>
/// <remarks>
/// <para>
/// Akka's <see cref="Envelope"/> is a struct of (message, sender) with no room for a context. Wrapping the message costs
/// an object per message; putting the context in the sender slot costs an object per (sender, context) pair, which the
/// sending actor's cell (or, with no sender, <see cref="NoSenderCarriers"/>) keeps and reuses, so a flow of messages
/// from one sender under one context allocates nothing per message. The user's message reaches Akka untouched: its own type decides
/// receive-timeout and auto-receive handling, and <c>CurrentMessage</c> is the message itself.
/// </para>
/// <para>
/// Only this library's refs put a carrier in an envelope, and only for actors whose cell is a
/// <see cref="ContextActorCell"/>, which replaces <c>Sender</c> with <see cref="Sender"/> before any user code runs. The
/// dead-letter ref does the same for messages left in a stopped actor's mailbox. Should a carrier be seen anywhere else,
/// it behaves as the real sender (tells, path, equality and ordering are delegated).
/// </para>
/// </remarks>
internal sealed class SenderSlotCarrier : IActorRef
{
    internal SenderSlotCarrier(IActorRef? sender, ContextSnapshot context)
    {
        Sender = sender;
        Context = context;
    }

    /// <summary>The real sender; <see langword="null"/> for a message sent with no sender (Akka then shows dead letters).</summary>
    internal IActorRef? Sender { get; }

    /// <summary>The sender's context when the message was sent; never empty.</summary>
    internal ContextSnapshot Context { get; }

    /// <summary>The real sender, or <see cref="ActorRefs.Nobody"/> when there is none.</summary>
    private IActorRef Real => Sender ?? ActorRefs.Nobody;

    public ActorPath Path => Real.Path;

    public void Tell(object message, IActorRef sender) => Real.Tell(message, sender);

    public bool Equals(IActorRef? other) => Real.Equals(other is SenderSlotCarrier carrier ? carrier.Real : other);

    public override bool Equals(object? obj) => obj is IActorRef other && Equals(other);

    public override int GetHashCode() => Real.GetHashCode();

    public int CompareTo(IActorRef? other) => Real.CompareTo(other is SenderSlotCarrier carrier ? carrier.Real : other);

    public int CompareTo(object? obj) => obj is IActorRef other ? CompareTo(other) : Real.CompareTo(obj);

    public ISurrogate ToSurrogate(ActorSystem system) => Real.ToSurrogate(system);

    public override string ToString() => $"{Real} (with context of {ContextSnapshots.VisibleCount(Context)} entries)";

}
