namespace ActorContext.Akka.Internal;

/// <summary>
/// A message that arrived from another node with a context that could not be decoded. The receiving cell hands
/// it to dead letters with <see cref="Reason"/> logged instead of running user code without the context the
/// sender meant it to have.
/// </summary>
internal sealed class RejectedContextMessage(object message, string reason) : global::Akka.Actor.IWrappedMessage
{
    public object Message { get; } = message;

    public string Reason { get; } = reason;

    public override string ToString() => $"{Message} (context rejected: {Reason})";
}
