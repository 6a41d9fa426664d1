using Akka.Actor;
using Akka.Event;

namespace ActorContext.Akka.Internal;

/// <summary>
/// The system's dead-letter ref: strips wrappers and carriers so dead-letter subscribers and logs see the user's
/// message and its real sender.
/// </summary>
/// <remarks>
/// Messages left in a stopped actor's mailbox reach dead letters as they were queued — with a
/// <see cref="ContextSender"/> for a sender, or wrapped; this is where they are unwrapped.
/// </remarks>
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
            DeadLetter { Message: ContextEnvelope envelope } dead => new DeadLetter(envelope.Message, RealOrDeadLetters(dead.Sender), dead.Recipient),
            DeadLetter { Sender: ContextSender carrier } dead => new DeadLetter(dead.Message, RealOrDeadLetters(carrier), dead.Recipient),
            ContextEnvelope envelope => envelope.Message,
            _ => message,
        };

        base.TellInternal(unwrapped, ContextSender.RealSender(sender)!);
    }

    // A message sent with no sender shows dead letters as its sender, as Akka's own envelopes do.
    private IActorRef RealOrDeadLetters(IActorRef sender) => ContextSender.RealSender(sender) ?? this;
}
