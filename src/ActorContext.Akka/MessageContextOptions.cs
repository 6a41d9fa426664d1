namespace ActorContext.Akka;

/// <summary>Options for context propagation in an actor system.</summary>
/// <remarks>Pass to <see cref="MessageContextSetup.WithMessageContext(global::Akka.Configuration.Config, MessageContextOptions?)"/>
/// or to Akka.Hosting's <c>WithMessageContext(options)</c>.</remarks>
public sealed class MessageContextOptions
{
    /// <summary>
    /// Whether each actor puts the previous context back after every message it handles. Off by default.
    /// </summary>
    /// <remarks>
    /// <para>
    /// Off, an actor makes each message's context (or no context) current before its Receive runs and leaves it
    /// there: the next message overwrites it, and the thread pool clears it when the mailbox run ends. This saves
    /// two ExecutionContext allocations per message.
    /// </para>
    /// <para>
    /// The price: Akka's system-message processing that happens between two messages of the same mailbox run —
    /// a supervisor strategy deciding about a failed child, <c>PostStop</c> when a parent stops the actor — can
    /// observe the context of the message handled just before. Turn this on when such code must see no context.
    /// Dispatchers that run Receive on the sender's thread (the TestKit's <c>CallingThreadDispatcher</c>) always
    /// put it back.
    /// </para>
    /// </remarks>
    public bool RestoreAfterReceive { get; set; }

    /// <summary>
    /// Whether a message whose flow's deadline has passed, or whose flow was cancelled, is kept from user code. On by
    /// default (it only matters once a flow uses <see cref="FlowDeadline"/>).
    /// </summary>
    /// <remarks>
    /// Such a message goes to dead letters instead of the actor's <c>Receive</c>; each actor logs one warning per
    /// interval with the number it dropped and the reason ("deadline exceeded" or "cancelled").
    /// </remarks>
    public bool DropExpiredMessages { get; set; } = true;
}
