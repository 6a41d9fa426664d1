using System.Runtime.CompilerServices;
using ActorContext.Infrastructure;
using Akka.Actor;
using Akka.Actor.Internal;
using Akka.Actor.Scheduler;
using Akka.Event;

namespace ActorContext.Akka.Internal;

/// <summary>
/// A message plus its context: the two forms it travels in and every conversion between them and the bare message.
/// </summary>
/// <remarks>
/// <para>
/// Locally a message travels bare, its context in the envelope's sender slot (<see cref="SenderSlotCarrier"/>, made by
/// <see cref="Carry"/>): an object per (sender, context) pair rather than per message. Where the sender slot cannot
/// carry it — the scheduler, another node, a stash — the message is wrapped in a <see cref="ContextEnvelope"/>
/// (<see cref="Wrap(object, ContextSnapshot)"/>, the one place that decides whether a message may be wrapped). The
/// receiving cell takes either form apart (<see cref="Unwrap"/>); dead letters, stash filters and remote refs see the
/// bare message and the real sender (<see cref="RealSender"/>, <see cref="ForDeadLetters"/>, <see cref="Bare"/>).
/// </para>
/// <para>
/// Auto-received messages (PoisonPill, Kill, Identify, Terminated, ActorSelectionMessage), receive timeouts, dead
/// letters and envelopes made elsewhere (the scheduler, the remote serializer) pass unchanged.
/// </para>
/// </remarks>
internal static class MessageWithContext
{
    /// <summary>
    /// The sender to hand Akka for a local tell of <paramref name="message"/>: <paramref name="sender"/> itself when the
    /// current context is empty or the message must reach Akka as it is, else a <see cref="SenderSlotCarrier"/> carrying
    /// the context next to it. The message is never changed.
    /// </summary>
    /// <remarks>
    /// Capture is one read of the thread's ExecutionContext or of the AsyncLocal; the snapshot is immutable and shared,
    /// never copied. The carrier for a (sender, context) pair is kept by the sending actor's cell, or for sends with no
    /// sender by <see cref="NoSenderCarriers"/> (see <see cref="CarrierFor"/>), so consecutive messages from one sender
    /// under one context allocate nothing. A message already travelling with a carrier as its sender (passed on by Akka
    /// from an envelope) keeps it.
    /// Auto-received messages (PoisonPill, Kill, Identify, Terminated, ActorSelectionMessage), receive timeouts, dead
    /// letters and envelopes made elsewhere (the scheduler, the remote serializer) pass unchanged.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static IActorRef? Carry(object message, IActorRef? sender)
    {
        // Most sends come from an actor's Receive, on a thread whose ExecutionContext the cell installed for the message
        // being handled (see ContextSnapshot.Restore): that instance alone says which snapshot is current, so comparing
        // it with the context of the actor's last carrier replaces the AsyncLocal lookup (two calls, one of them
        // through an interface). Reading the thread's ExecutionContext is a thread-static read, as the lookup's is, so
        // it is only tried where it can pay off: an actor that has a carrier. Edges (no sender) and other senders go
        // straight to the lookup.
        var cell = CellOf(sender);
        var cached = cell?.Carrier;
        if (cached is not null && !RememberedContexts.AnyRemembering && !TraceCapture.InUse)
        {
            var thread = ExecutionContext.Capture();
            if (ContextSnapshots.IsEmptyExecutionContext(thread) && cell!.RestartContext is null)
            {
                return sender;
            }

            if (ReferenceEquals(cached.Sender, sender) && ContextSnapshots.IsSoleExecutionContext(cached.Context, thread))
            {
                return KindOf(message) == WrapKind.Bare ? sender : cached;
            }
        }

        return CarryLooked(message, sender, cell);
    }

    /// <summary><see cref="Carry"/> when the thread's ExecutionContext does not tell the current context: look it up.</summary>
    /// <param name="message">The message sent.</param>
    /// <param name="sender">The sender named by the tell.</param>
    /// <param name="cell">The cell behind <paramref name="sender"/> (<see cref="CellOf"/>), already found by the caller.</param>
    private static IActorRef? CarryLooked(object message, IActorRef? sender, ContextActorCell? cell)
    {
        var context = ContextCapture.For(message);
        if ((ContextSnapshots.IsNullOrEmpty(context)) && cell?.RestartContext is { } restart && ReferenceEquals(cell, InternalCurrentActorCellKeeper.Current))
        {
            // PreRestart runs in a mailbox run of its own, with nothing current: what it sends (a retry of the failed
            // message, typically) carries the failed message's context.
            context = restart;
        }

        if (ContextSnapshots.IsNullOrEmpty(context) || (sender is not null && sender.GetType() == typeof(SenderSlotCarrier)))
        {
            return sender;
        }

        return KindOf(message) == WrapKind.Bare ? sender : CarrierFor(sender, cell, context);
    }

    /// <summary>
    /// The carrier of (<paramref name="sender"/>, <paramref name="context"/>): the last one made for the pair, or a new
    /// one; <paramref name="cell"/> is the cell behind the sender (<see cref="CellOf"/>), if any.
    /// </summary>
    /// <remarks>
    /// One slot per actor, filled by its own sends naming it as sender (from Receive); for sends with no sender (an edge)
    /// the carrier depends on the context alone (see <see cref="NoSenderCarriers"/>). Any other sender (a forward's
    /// original sender, a temporary ask ref) gets a new carrier, so no cache keeps a ref it does not own. Slots are read
    /// and written without locks: carriers are immutable and one is reused only when both its references match, so a
    /// lost or stale write costs an allocation, never a wrong context. An actor's slot keeps its last carrier, so an
    /// actor holds the context of its last send until its next one or until it is stopped.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static SenderSlotCarrier CarrierFor(IActorRef? sender, ContextActorCell? cell, ContextSnapshot context)
    {
        if (sender is null)
        {
            return NoSenderCarriers.For(context);
        }

        if (cell is null)
        {
            return new SenderSlotCarrier(sender, context);
        }

        var cached = cell.Carrier;
        if (cached is not null && ReferenceEquals(cached.Context, context) && ReferenceEquals(cached.Sender, sender))
        {
            return cached;
        }

        var carrier = new SenderSlotCarrier(sender, context);

        // Kept only by the actor's own sends: a forward or an edge naming it as sender must not leave another
        // context in its slot (a thread-static read, on a miss only).
        if (ReferenceEquals(cell, InternalCurrentActorCellKeeper.Current))
        {
            cell.KeepCarrier(carrier);
        }

        return carrier;
    }

    /// <summary>The cell behind <paramref name="sender"/> when it is one of this library's local refs (exact type checks: both are sealed).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ContextActorCell? CellOf(IActorRef? sender)
    {
        // Written inline (not through a local Type): the JIT then compares method tables instead of calling GetType.
        if (sender is null)
        {
            return null;
        }

        if (sender.GetType() == typeof(ContextLocalActorRef))
        {
            return Unsafe.As<ContextLocalActorRef>(sender).ContextCell;
        }

        return sender.GetType() == typeof(ContextRepointableActorRef) ? Unsafe.As<ContextRepointableActorRef>(sender).ContextCell : null;
    }

    /// <summary>
    /// <paramref name="message"/> wrapped with the current context (or the one <paramref name="sender"/> carries), for a
    /// ref whose messages leave this process and so cannot use the sender slot; unchanged when there is no context.
    /// </summary>
    /// <remarks>
    /// What crosses is decided here, at the send: a flow's deadline and cancellation are frozen as they are now
    /// (<see cref="ContextSnapshots.FreezeForWire"/>), also for a scheduled message that arrives already wrapped.
    /// </remarks>
    internal static object Wrap(object message, IActorRef? sender)
    {
        if (message is ContextEnvelope envelope)
        {
            var frozen = ContextSnapshots.FreezeForWire(envelope.Context);
            return ReferenceEquals(frozen, envelope.Context) ? envelope : ContextEnvelope.Create(envelope.Message, frozen);
        }

        var context = sender is SenderSlotCarrier carrier ? carrier.Context : ContextCapture.For(message);
        return ContextSnapshots.IsNullOrEmpty(context) ? message : Wrap(message, ContextSnapshots.FreezeForWire(context));
    }

    /// <summary>Wraps <paramref name="message"/> with a non-empty <paramref name="context"/>, unless its type must reach Akka bare.</summary>
    internal static object Wrap(object message, ContextSnapshot context)
    {
        var kind = KindOf(message);
        return kind switch
        {
            WrapKind.Wrap => ContextEnvelope.Create(message, context, influencesReceiveTimeout: true),
            WrapKind.WrapNotInfluencing => ContextEnvelope.Create(message, context, influencesReceiveTimeout: false),

            // Dead letters stay bare: Akka recognises a DeadLetter sent to a stopped subscriber by its type and drops
            // it; wrapped, it would become a dead letter again, be published again, and recurse without end.
            _ => message,
        };
    }

    private enum WrapKind : byte
    {
        Bare,
        Wrap,
        WrapNotInfluencing,
    }

    // What to do with a message of a given type depends on the type alone: cache the answer in a small direct-mapped
    // table of immutable entries keyed by the type's method table (a miss recomputes and replaces the entry; racing
    // writers store equal answers).
    private sealed class KindEntry(nint type, WrapKind kind)
    {
        public readonly nint Type = type;
        public readonly WrapKind Kind = kind;
    }

    private const int KindCacheSize = 64;
    private static readonly KindEntry?[] s_kinds = new KindEntry?[KindCacheSize];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static WrapKind KindOf(object message)
    {
        var type = TypeKey.Of(message);
        var slot = (int)((ulong)type >> 4) & (KindCacheSize - 1);
        var entry = s_kinds[slot];
        if (entry is not null && entry.Type == type)
        {
            return entry.Kind;
        }

        var kind = ComputeKind(message.GetType());
        Volatile.Write(ref s_kinds[slot], new KindEntry(type, kind));
        return kind;
    }

    private static WrapKind ComputeKind(Type type)
    {
        if (typeof(ContextEnvelope).IsAssignableFrom(type) || typeof(IAutoReceivedMessage).IsAssignableFrom(type)
            || typeof(ReceiveTimeout).IsAssignableFrom(type) || typeof(AllDeadLetters).IsAssignableFrom(type))
        {
            return WrapKind.Bare;
        }

        return typeof(INotInfluenceReceiveTimeout).IsAssignableFrom(type) ? WrapKind.WrapNotInfluencing : WrapKind.Wrap;
    }

    /// <summary>The sender behind <paramref name="sender"/>, which may be a carrier.</summary>
    internal static IActorRef? RealSender(IActorRef? sender) => sender is SenderSlotCarrier carrier ? carrier.Sender : sender;

    /// <summary>
    /// What dead letters publish for <paramref name="message"/>, left in a stopped actor's mailbox as it was queued
    /// (with a carrier for a sender, or wrapped): the user's message and its real sender, or
    /// <paramref name="deadLetters"/> for none, as Akka's own envelopes show.
    /// </summary>
    internal static object ForDeadLetters(object message, IActorRef deadLetters) => message switch
    {
        DeadLetter { Message: ContextEnvelope envelope } dead => new DeadLetter(envelope.Message, RealSender(dead.Sender) ?? deadLetters, dead.Recipient),
        DeadLetter { Sender: SenderSlotCarrier carrier } dead => new DeadLetter(dead.Message, RealSender(carrier) ?? deadLetters, dead.Recipient),
        ContextEnvelope envelope => envelope.Message,
        _ => message,
    };

    /// <summary><paramref name="envelope"/> as the actor's code sees it: the user's message, not the wrapper a stash keeps.</summary>
    internal static Envelope Bare(Envelope envelope) =>
        envelope.Message is ContextEnvelope wrapped ? new Envelope(wrapped.Message, envelope.Sender) : envelope;

    /// <summary>Splits a delivered message that came in a <see cref="ContextEnvelope"/> into the user's message and the context it carried.</summary>
    /// <remarks>
    /// Envelopes come from the scheduler, from other nodes and from the stash of an actor that stashes. The stock
    /// scheduler adds its own marker around scheduled tells; the wrapper may sit inside it, and then
    /// <paramref name="scheduled"/> is true.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static object Unwrap(object message, out ContextSnapshot? context, out bool scheduled)
    {
        // Exact type comparisons written inline, so the JIT compares method tables: a class check against the unsealed
        // ContextEnvelope would call a cast helper, and a GetType() kept in a local is a call too.
        if (message.GetType() == typeof(ContextEnvelope) || message.GetType() == typeof(ContextEnvelope.NotInfluencingReceiveTimeout))
        {
            var envelope = Unsafe.As<ContextEnvelope>(message);
            context = envelope.Context;
            scheduled = false;
            return envelope.Message;
        }

        var inner = UnwrapScheduled(message, out context);
        scheduled = !ReferenceEquals(inner, message);
        return inner;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static object UnwrapScheduled(object message, out ContextSnapshot? context)
    {
        // An interface check on every unwrapped message costs more than comparing against Akka's two (internal,
        // sealed) scheduled-tell types.
        var type = TypeKey.Of(message);
        var scheduledTell = s_scheduledTell == 0 || s_scheduledTellNoTimeout == 0
            ? message is IScheduledTellMsg
            : type == s_scheduledTell || type == s_scheduledTellNoTimeout;
        if (scheduledTell && ((IScheduledTellMsg)message).Message is ContextEnvelope scheduled)
        {
            context = scheduled.Context;
            return scheduled.Message;
        }

        context = null;
        return message;
    }

    // Looked up by name because they are internal; should Akka rename them, the interface check above takes over.
    private static readonly nint s_scheduledTell = TypeKey.Of(typeof(IScheduledTellMsg).Assembly.GetType("Akka.Actor.Scheduler.ScheduledTellMsg"));
    private static readonly nint s_scheduledTellNoTimeout = TypeKey.Of(typeof(IScheduledTellMsg).Assembly.GetType("Akka.Actor.Scheduler.ScheduledTellMsgNoInfluenceReceiveTimeout"));
}
