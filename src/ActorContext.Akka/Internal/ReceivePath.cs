namespace ActorContext.Akka.Internal;

/// <summary>The ways a <see cref="ContextActorCell"/> hands a message to its actor (see <see cref="ReceivePlan"/>).</summary>
internal enum ReceivePath : byte
{
    /// <summary>The message's context is made current and Receive runs: nothing else to do.</summary>
    Plain,

    /// <summary>
    /// Work around Receive: event-sourced actors (callbacks get their command's context), Akka's buffering actors (they
    /// remember each message's context) and systems that put the previous context back after every message.
    /// </summary>
    Bookkeeping,

    /// <summary>Akka.Streams' actors, where one message is not one request's work (see <see cref="ReceiveHook"/>).</summary>
    Hooked,
}
