using ActorContext.Akka.Infrastructure;
using Akka.Actor;
using Akka.Actor.Internal;
using Akka.Dispatch;
using Akka.Dispatch.SysMsg;

namespace ActorContext.Akka.Internal;

/// <summary>A local actor ref that captures the sender's context with every message it is told.</summary>
/// <remarks>
/// When the actor's dispatcher runs the mailbox on the caller's thread (the TestKit's CallingThreadDispatcher),
/// the actor's Receive, restarts and lifecycle hooks run inside the caller's <c>Tell</c>; the caller's context is
/// put back afterwards so the cell may set contexts as freely as on a thread-pool dispatcher.
/// </remarks>
internal sealed class ContextLocalActorRef : LocalActorRef, IContextAwareRef
{
    private readonly bool _runsOnCallerThread;
    private ContextActorCell? _cell;

    public ContextLocalActorRef(ActorSystemImpl system, Props props, MessageDispatcher dispatcher, MailboxType mailboxType, IInternalActorRef supervisor, ActorPath path)
        : base(system, props, dispatcher, mailboxType, supervisor, path)
    {
        _runsOnCallerThread = CallerThreadGuard.RunsOnCallerThread(dispatcher);
    }

    // Called from the base constructor on the creating thread: the ambient context is the creator's.
    protected override ActorCell NewActorCell(ActorSystemImpl system, IInternalActorRef self, Props props, MessageDispatcher dispatcher, IInternalActorRef supervisor) =>
        _cell = new ContextActorCell(system, self, props, dispatcher, supervisor, ContextCapture.Untraced());

    /// <summary>The actor's cell once it exists: it keeps the carrier of the actor's last send (see <see cref="MessageWithContext.Carry"/>).</summary>
    internal ContextActorCell? ContextCell => _cell;

    protected override void TellInternal(object message, IActorRef sender)
    {
        // LocalActorRef's own TellInternal is `cell.SendMessage(sender, message)` through a field typed ActorCell: a
        // virtual call site shared with every plain actor system in the process, where the JIT's profile-guided
        // devirtualization can favour only one cell type. Our cell's type is sealed, so this call is direct.
        var carrier = MessageWithContext.Carry(message, sender);
        if (!_runsOnCallerThread)
        {
            _cell!.SendMessage(carrier!, message);
            return;
        }

        using (CallerThreadGuard.Keep())
        {
            _cell!.SendMessage(carrier!, message);
        }
    }

    public override void SendSystemMessage(ISystemMessage message)
    {
        if (!_runsOnCallerThread)
        {
            base.SendSystemMessage(message);
            return;
        }

        using (CallerThreadGuard.Keep())
        {
            base.SendSystemMessage(message);
        }
    }
}
