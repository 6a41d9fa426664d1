using Akka.Actor;
using Akka.Actor.Internal;
using Akka.Dispatch;

namespace ActorContext.Akka.Internal;

/// <summary>A local actor ref that captures the sender's context with every message it is told.</summary>
internal sealed class ContextLocalActorRef : LocalActorRef, IContextAwareRef
{
    public ContextLocalActorRef(ActorSystemImpl system, Props props, MessageDispatcher dispatcher, MailboxType mailboxType, IInternalActorRef supervisor, ActorPath path)
        : base(system, props, dispatcher, mailboxType, supervisor, path)
    {
    }

    // Called from the base constructor on the creating thread: the ambient context is the creator's.
    protected override ActorCell NewActorCell(ActorSystemImpl system, IInternalActorRef self, Props props, MessageDispatcher dispatcher, IInternalActorRef supervisor) =>
        new ContextActorCell(system, self, props, dispatcher, supervisor, ContextSnapshot.Current);

    protected override void TellInternal(object message, IActorRef sender) => base.TellInternal(Propagation.Wrap(message), sender);
}
