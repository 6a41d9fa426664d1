using Akka.Actor;
using Akka.Event;

namespace ActorContext.Akka.Internal;

/// <summary>
/// The system's dead-letter ref: strips wrappers and carriers so dead-letter subscribers and logs see the user's
/// message and its real sender.
/// </summary>
/// <remarks>
/// Messages left in a stopped actor's mailbox reach dead letters as they were queued — with a
/// <see cref="SenderSlotCarrier"/> for a sender, or wrapped; this is where they are unwrapped.
/// </remarks>
internal sealed class ContextDeadLetterActorRef : DeadLetterActorRef
{
    public ContextDeadLetterActorRef(IActorRefProvider provider, ActorPath path, EventStream eventStream)
        : base(provider, path, eventStream)
    {
    }

    protected override void TellInternal(object message, IActorRef sender) =>
        base.TellInternal(MessageWithContext.ForDeadLetters(message, this), MessageWithContext.RealSender(sender)!);
}
