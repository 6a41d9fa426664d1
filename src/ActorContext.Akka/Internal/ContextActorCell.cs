using System.Runtime.CompilerServices;
using ActorContext.Akka.Infrastructure;
using ActorContext.Infrastructure;
using Akka.Actor;
using Akka.Actor.Internal;
using Akka.Dispatch;
using Akka.Dispatch.SysMsg;
using Akka.Event;

namespace ActorContext.Akka.Internal;

/// <summary>
/// The restore side of propagation: makes each message's context current around the actor's Receive.
/// </summary>
/// <remarks>
/// <para>
/// A local message arrives bare, its context in the envelope's sender slot (<see cref="SenderSlotCarrier"/>): the cell puts
/// the real sender back in <c>Sender</c> before anything else reads it. Messages from the scheduler, from other nodes
/// and from a stash arrive in a <see cref="ContextEnvelope"/> instead. For an actor that stashes, <c>CurrentMessage</c>
/// is a <see cref="ContextEnvelope"/> while the message is handled, so <c>Stash()</c> keeps the context with the
/// message and <c>Unstash</c> gives it back; the actor's code only ever sees the user's message.
/// </para>
/// <para>
/// The context is not put back after Receive: every message sets exactly its own context (or none) before user
/// code runs, and the thread pool resets the ExecutionContext after each mailbox run. That saves two AsyncLocal
/// writes — two ExecutionContext allocations — per message. Systems configured with <c>restore-after-receive</c>
/// put it back; for dispatchers that run the mailbox on the caller's thread the refs put back the caller's context
/// (see <see cref="CallerThreadGuard"/>).
/// </para>
/// </remarks>
internal sealed class ContextActorCell : ActorCell, IHookedCell
{
    private readonly ContextSnapshot? _creationContext;
    private readonly MessageContextSettings _settings;
    private long _droppedSinceLog;
    private long _lastDropLog;
    private bool _created;

    // How this incarnation receives: replaced only when an incarnation is created (see CreateNewActorInstance).
    private ReceivePlan _plan = ReceivePlan.None;

    private ContextSnapshot? _messageContext;

    private volatile bool _stopping;

    /// <summary>The carrier of this actor's last send with a context (see <see cref="MessageWithContext.Carry"/>).</summary>
    internal SenderSlotCarrier? Carrier { get; private set; }

    /// <summary>Keeps <paramref name="carrier"/> for the next send, unless the actor is stopping (its ref may outlive it by far).</summary>
    internal void KeepCarrier(SenderSlotCarrier carrier)
    {
        if (_stopping)
        {
            return;
        }

        Carrier = carrier;

        // A stop may have cleared the slot between the check and the write: clear it again. The fence keeps the write
        // above from moving past the read below (a store-load reordering x86 allows too).
        Interlocked.MemoryBarrier();
        if (_stopping)
        {
            Carrier = null;
        }
    }

    public ContextActorCell(
        ActorSystemImpl system,
        IInternalActorRef self,
        Props props,
        MessageDispatcher dispatcher,
        IInternalActorRef parent,
        ContextSnapshot? creationContext)
        : base(system, self, props, dispatcher, parent)
    {
        _creationContext = creationContext;
        _settings = MessageContextSettings.For(system);
        ReceiveHook.Prepare(props);
    }

    protected override void ReceiveMessage(object message)
    {
        object inner;
        ContextSnapshot? context;
        var scheduled = false;
        var plan = _plan;
        var sender = Sender;
        if (sender is not null && sender.GetType() == typeof(SenderSlotCarrier))
        {
            // Before anything reads Sender: the actor, Akka's stash, dead letters and logs see the real sender, or dead
            // letters for none, as Akka's own Invoke would have set it.
            var carrier = Unsafe.As<SenderSlotCarrier>(sender);
            SetSender(this, carrier.Sender ?? System.DeadLetters);
            inner = message;
            context = carrier.Context;
            if (plan.HandlesInEnvelope)
            {
                SetCurrentMessage(this, ContextEnvelope.Create(message, context));
            }
        }
        else
        {
            inner = MessageWithContext.Unwrap(message, out context, out scheduled);
        }

        if (plan.Stashes)
        {
            // Kept for ContextStash: Akka's timer handling puts the bare message in CurrentMessage after this point.
            _messageContext = _stopping ? null : context;
        }

        if (inner is RejectedContextMessage rejected)
        {
            Reject(rejected);
            return;
        }

        if (context is not null && ContextSnapshots.DeadlinesInUse && plan.DropsExpired && ContextSnapshots.IsFlowDone(context, out var cancelled))
        {
            DropExpired(inner, cancelled);
            return;
        }

        try
        {
            if (plan.Path == ReceivePath.Hooked)
            {
                plan.Hook!.Receive(this, inner, context);
            }
            else if (context is not null && ContextSnapshots.HasTrace(context))
            {
                ReceiveTraced(plan, inner, context, scheduled);
            }
            else if (plan.Path == ReceivePath.Plain)
            {
                ContextSnapshots.Restore(context);
                base.ReceiveMessage(inner);
            }
            else
            {
                ReceiveWithBookkeeping(plan, inner, context);
            }
        }
        catch (Exception) when (RememberFailure(context))
        {
            // Never entered: the filter only notes the failing message's context and lets the exception go on to Akka.
            throw;
        }
    }

    /// <summary>The actor's path for its hop spans' <c>akka.actor.path</c> tag: formatted once per cell, not once per span.</summary>
    internal string SpanPath => _spanPath ??= Self.Path.ToString();

    private string? _spanPath;

    /// <summary>
    /// The context of the message whose Receive threw, for the restart that may follow: sends made from
    /// <c>PreRestart</c> (the retry-on-failure pattern, <c>Self.Tell(message)</c>) carry it.
    /// </summary>
    private ContextSnapshot? _failedContext;

    /// <summary>The failed message's context while the restart runs <c>PreRestart</c>; null otherwise.</summary>
    internal ContextSnapshot? RestartContext { get; private set; }

    private bool RememberFailure(ContextSnapshot? context)
    {
        _failedContext = context;
        return false;
    }

    /// <summary>Hands <paramref name="message"/> to the actor with whatever context the <see cref="ReceiveHook"/> made current.</summary>
    internal void ReceiveUnhooked(object message) => base.ReceiveMessage(message);

    void IHookedCell.ReceiveUnhooked(object message) => base.ReceiveMessage(message);

    /// <summary>A message that carries a trace: Receive runs under the sender's trace (see <see cref="HopTracing"/>).</summary>
    private void ReceiveTraced(ReceivePlan plan, object inner, ContextSnapshot context, bool scheduled)
    {
        var previous = plan.RestoreAfterReceive ? ContextSnapshots.Current : null;
        ContextSnapshots.Restore(context);
        var hop = HopTracing.Enter(context, this, inner, scheduled, plan.HopSpans);
        try
        {
            if (plan.Path == ReceivePath.Plain)
            {
                base.ReceiveMessage(inner);
            }
            else
            {
                ReceiveWithBookkeeping(plan, inner, context);
            }
        }
        catch (Exception ex)
        {
            HopTracing.Fail(hop, ex);
            throw;
        }
        finally
        {
            HopTracing.Exit(hop);
            if (plan.RestoreAfterReceive)
            {
                ContextSnapshots.Restore(previous);
            }
        }
    }

    /// <summary>The <see cref="ReceivePath.Bookkeeping"/> path: the work <paramref name="plan"/> asks for around Receive.</summary>
    private void ReceiveWithBookkeeping(ReceivePlan plan, object inner, ContextSnapshot? context)
    {
        var persistence = plan.Persistence;
        if (plan.RemembersContexts)
        {
            RememberedContexts.Remember(inner, context);
        }

        var previous = ContextSnapshots.Current;
        ContextSnapshots.Restore(persistence is null ? context : persistence.ContextFor(inner, context));
        try
        {
            if (plan.RemembersContexts)
            {
                using (RememberedContexts.Enter())
                {
                    base.ReceiveMessage(inner);
                }
            }
            else
            {
                base.ReceiveMessage(inner);
            }
        }
        finally
        {
            persistence?.Sync(ContextSnapshots.Current);
            if (plan.RestoreAfterReceive)
            {
                ContextSnapshots.Restore(previous);
            }
        }
    }

    private static readonly long s_dropLogInterval = global::System.Diagnostics.Stopwatch.Frequency * 10;

    /// <summary>A message whose flow gave up: dead letters, counted, one warning per actor per interval.</summary>
    private void DropExpired(object message, bool cancelled)
    {
        var reason = cancelled ? "cancelled" : "deadline exceeded";
        // A timer's message arrives inside Akka's timer wrapper: dead letters show what the user scheduled.
        ToDeadLetters(message is IWrappedMessage wrapped && message.GetType().Namespace == "Akka.Actor.Scheduler" ? wrapped.Message : message);
        _droppedSinceLog++;
        var now = global::System.Diagnostics.Stopwatch.GetTimestamp();
        if (_lastDropLog == 0 || now - _lastDropLog >= s_dropLogInterval)
        {
            Logging.GetLogger(System, Self.Path.ToString()).Warning(
                "{0} message(s) sent to dead letters instead of the actor: {1} (last: {2})", _droppedSinceLog, reason, message.GetType().Name);
            _lastDropLog = now;
            _droppedSinceLog = 0;
        }
    }

    private void Reject(RejectedContextMessage rejected)
    {
        Logging.GetLogger(System, Self.Path.ToString()).Warning(
            "Message {0} from {1} sent to dead letters: its context could not be decoded ({2})",
            rejected.Message.GetType().Name,
            Sender,
            rejected.Reason);
        ToDeadLetters(rejected.Message);
    }

    /// <summary>Hands a message the actor must not see to dead letters, with no context left current.</summary>
    private void ToDeadLetters(object message)
    {
        ContextSnapshots.Restore(null);
        System.DeadLetters.Tell(new DeadLetter(message, Sender, Self), Sender);
    }

    protected override void AutoReceiveMessage(Envelope envelope)
    {
        // Terminated, PoisonPill, Kill and Identify carry no user context: don't let the previous message's leak in.
        if (!_settings.RestoreAfterReceive)
        {
            ContextSnapshots.Restore(null);
            base.AutoReceiveMessage(envelope);
            return;
        }

        var previous = ContextSnapshots.Current;
        ContextSnapshots.Restore(null);
        try
        {
            base.AutoReceiveMessage(envelope);
        }
        finally
        {
            ContextSnapshots.Restore(previous);
        }
    }

    protected override ActorBase CreateNewActorInstance()
    {
        // The first incarnation (constructor and PreStart) runs with the context of the code that created the actor;
        // a restarted one (constructor and PostRestart) with none, so the failing message's context cannot leak into it.
        // Both run inside the cell's own mailbox run, which the next message's restore overwrites.
        ContextSnapshots.Restore(_created ? null : _creationContext);
        _created = true;

        // PreRestart has run: the new incarnation's sends carry what the code current then has, as always.
        RestartContext = null;
        var actor = base.CreateNewActorInstance();

        // Akka's stash stores CurrentMessage with Sender: wrap the actor's stash so a stashed message keeps its context.
        var stashes = false;
        if (actor is IActorStash { Stash: { } stash } stashing)
        {
            stashing.Stash = stash as ContextStash ?? new ContextStash(stash, this);
            stashes = true;
        }

        _plan = ReceivePlan.For(actor, stashes, _settings, _creationContext);
        return actor;
    }

    /// <summary>
    /// Puts <c>CurrentMessage</c> in an envelope with the context of the message being handled, for Akka's stash to
    /// store; returns what to put back after (see <see cref="ContextStash"/>).
    /// </summary>
    internal object? WrapCurrentMessageForStash()
    {
        var current = CurrentMessage;
        if (current is null or ContextEnvelope || ContextSnapshots.IsNullOrEmpty(_messageContext))
        {
            return current;
        }

        SetCurrentMessage(this, ContextEnvelope.Create(current, _messageContext));
        return current;
    }

    /// <summary>Puts back the <c>CurrentMessage</c> <see cref="WrapCurrentMessageForStash"/> replaced.</summary>
    internal void UnwrapCurrentMessageAfterStash(object? current) => SetCurrentMessage(this, current);

    public override void SendSystemMessage(ISystemMessage systemMessage)
    {
        // Every stop (Context.Stop, PoisonPill, a supervisor's decision, the parent or the system stopping) reaches the
        // cell as Terminate: from here on its sends are not cached, so a ref kept after the actor stopped keeps no context.
        if (systemMessage is Terminate)
        {
            _stopping = true;
            Interlocked.MemoryBarrier(); // pairs with KeepCarrier's fence
            Carrier = null;
            _messageContext = null;
            _failedContext = null;
            RestartContext = null;
        }

        // A ReceiveAsync handler's failure does not leave ReceiveMessage: Akka reports it later with this system message,
        // sent from the handler's own flow, where the failing message's context is current.
        if (systemMessage.GetType() == AkkaInternals.ActorTaskSchedulerMessage && AkkaInternals.FailureOf(systemMessage) is not null)
        {
            _failedContext = ContextSnapshots.Current;
        }

        // PreRestart receives the cell's CurrentMessage, which is the wrapper of the failed message when it came in one
        // (scheduled, from another node, or to an actor that stashes). The cell is suspended between the failure and
        // the Recreate, so nothing else reads or writes it while we unwrap it here.
        if (systemMessage is Recreate recreate)
        {
            RestartContext = CurrentMessage is ContextEnvelope envelope ? envelope.Context : _failedContext;
            _failedContext = null;
            if (CurrentMessage is ContextEnvelope wrapped)
            {
                SetCurrentMessage(this, wrapped.Message);
            }

            if (RestartContext is { } failed && !ContextSnapshots.IsNullOrEmpty(failed) && ChildrenContainer.IsNormal && !ReferenceEquals(InternalCurrentActorCellKeeper.Current, this))
            {
                RecreateUnder(failed, recreate.Cause);
                return;
            }
        }

        base.SendSystemMessage(systemMessage);
    }

    /// <summary>
    /// Restarts the actor with the failed message's context current while <c>PreRestart</c> runs.
    /// </summary>
    /// <remarks>
    /// Akka runs a restart in a mailbox run of its own and lets nothing in before <c>PreRestart</c>. Its own way of
    /// running code inside the actor's mailbox — a task on the actor's task scheduler, which arrives as a system message
    /// (what <c>ReceiveAsync</c> continuations use) — runs the restart instead of the <c>Recreate</c> it replaces: in
    /// order with the other system messages, with the context made current and <c>CurrentMessage</c> the failed message.
    /// A failure of the restart itself goes where Akka's would. Not used while children are terminating (Akka would
    /// stash the <c>Recreate</c> then) or on the actor's own thread; those restarts run as in Akka, and what their
    /// <c>PreRestart</c> sends still carries the context (see <see cref="RestartContext"/>).
    /// </remarks>
    private void RecreateUnder(ContextSnapshot failed, Exception cause)
    {
        var message = CurrentMessage;
        Task restart;

        // Not the caller's ExecutionContext: the restart runs on the actor's thread with exactly the failed context.
        using (ExecutionContext.SuppressFlow())
        {
            restart = new Task(() =>
            {
                ContextSnapshots.Restore(failed);
                SetCurrentMessage(this, message);
                try
                {
                    FaultRecreate(this, cause);
                }
                catch (Exception error)
                {
                    HandleInvokeFailure(this, error, null);
                }
            });
        }

        restart.Start(TaskScheduler);
    }

    // Akka's own restart and failure handling, run from RecreateUnder; AkkaInternals checks at start-up that they exist.
    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "FaultRecreate")]
    private static extern void FaultRecreate(ActorCell cell, Exception cause);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "HandleInvokeFailure")]
    private static extern void HandleInvokeFailure(ActorCell cell, Exception cause, IEnumerable<IActorRef>? childrenNotToSuspend);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_CurrentMessage")]
    private static extern void SetCurrentMessage(ActorCell cell, object? message);

    [UnsafeAccessor(UnsafeAccessorKind.Method, Name = "set_Sender")]
    private static extern void SetSender(ActorCell cell, IActorRef sender);
}
