using Akka.Actor;
using Akka.Event;

namespace ActorContext.Akka.Internal;

/// <summary>
/// The system's dead-letter ref: strips wrappers so dead-letter subscribers and logs see the user's message.
/// </summary>
/// <remarks>Messages left in a stopped actor's mailbox reach dead letters still wrapped; this is where they are unwrapped.</remarks>
internal sealed class ContextDeadLetterActorRef : DeadLetterActorRef
{
    public ContextDeadLetterActorRef(IActorRefProvider provider, ActorPath path, EventStream eventStream)
        : base(provider, path, eventStream)
    {
    }

    protected override void TellInternal(object message, IActorRef sender)
    {
        var unwrapped = message switch
        {
            DeadLetter { Message: ContextEnvelope envelope } dead => new DeadLetter(envelope.Message, dead.Sender, dead.Recipient),
            ContextEnvelope envelope => envelope.Message,
            _ => message,
        };

        base.TellInternal(unwrapped, sender);
    }
}
