using ActorContext.Akka.Infrastructure;
using Akka.Actor;
using Akka.Actor.Internal;
using Akka.Dispatch;
using Akka.Dispatch.SysMsg;

namespace ActorContext.Akka.Internal;

/// <summary>
/// A top-level actor's ref (created asynchronously). Messages told before the actor has started wait in an
/// <c>UnstartedCell</c> and are replayed later from the guardian's thread, so they must be wrapped here, at the
/// sender (see <see cref="SenderSlotCarrier"/>), not when they reach the mailbox.
/// </summary>
internal sealed class ContextRepointableActorRef : RepointableActorRef, IContextAwareRef
{
    private readonly ContextSnapshot? _creationContext;
    private readonly MailboxType _mailboxType;
    private readonly bool _runsOnCallerThread;
    private ContextActorCell? _cell;

    public ContextRepointableActorRef(ActorSystemImpl system, Props props, MessageDispatcher dispatcher, MailboxType mailboxType, IInternalActorRef supervisor, ActorPath path)
        : base(system, props, dispatcher, mailboxType, supervisor, path)
    {
        _creationContext = ContextCapture.Untraced();
        _mailboxType = mailboxType;
        _runsOnCallerThread = CallerThreadGuard.RunsOnCallerThread(dispatcher);

        // The cell is made later, on the parent's thread: a stream's interpreter is prepared here, before the
        // materialization that creates it returns and its materialized value (a queue) can be offered to.
        ReceiveHook.Prepare(props);
    }

    protected override ActorCell NewCell()
    {
        var cell = new ContextActorCell(System, this, Props, Dispatcher, Supervisor, _creationContext);
        cell.Init(sendSupervise: false, _mailboxType);
        _cell = cell;
        return cell;
    }

    /// <summary>The actor's cell once it exists: it keeps the carrier of the actor's last send (see <see cref="MessageWithContext.Carry"/>).</summary>
    internal ContextActorCell? ContextCell => _cell;

    protected override void TellInternal(object message, IActorRef sender)
    {
        var carrier = MessageWithContext.Carry(message, sender);
        if (!_runsOnCallerThread)
        {
            SendToUnderlying(message, carrier!);
            return;
        }

        using (CallerThreadGuard.Keep())
        {
            SendToUnderlying(message, carrier!);
        }
    }

    /// <summary>What <see cref="RepointableActorRef"/>'s own TellInternal does: hand the message to the current cell.</summary>
    /// <remarks>
    /// Once the actor has started, the cell is our sealed <see cref="ContextActorCell"/>, called directly: Akka's version
    /// calls through <see cref="ICell"/>, a call site shared with every plain actor system in the process, where the JIT's
    /// profile-guided devirtualization can favour only one cell type.
    /// </remarks>
    private void SendToUnderlying(object message, IActorRef sender)
    {
        var underlying = Underlying;
        var cell = _cell;
        if (cell is not null && ReferenceEquals(underlying, cell))
        {
            cell.SendMessage(sender, message);
        }
        else
        {
            underlying.SendMessage(sender, message);
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
