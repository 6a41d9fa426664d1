using ActorContext.Infrastructure;
using Akka.Actor;

namespace ActorContext.Akka.Internal;

/// <summary>
/// A user message plus the sender's context snapshot: the one small wrapper a message pays for when its
/// sender had a non-empty context. It lives only between a context-aware ref and its cell (mailbox, stash,
/// the queue of a not-yet-started actor); the receiver's code never sees it.
/// </summary>
/// <remarks>
/// Implements <see cref="IWrappedMessage"/> so anything Akka logs about it (dead letters, debug receive)
/// shows the user's message.
/// </remarks>
internal class ContextEnvelope : IWrappedMessage
{
    private ContextEnvelope(object message, ContextSnapshot context)
    {
        Message = message;
        Context = context;
    }

    public object Message { get; }

    public ContextSnapshot Context { get; }

    /// <summary>The one way to make an envelope: of the type that keeps <paramref name="message"/>'s receive-timeout behaviour.</summary>
    /// <remarks>Whether a message may be wrapped at all is <see cref="MessageWithContext.Wrap(object, ContextSnapshot)"/>'s decision.</remarks>
    internal static ContextEnvelope Create(object message, ContextSnapshot context) =>
        Create(message, context, influencesReceiveTimeout: message is not INotInfluenceReceiveTimeout);

    /// <summary><see cref="Create(object, ContextSnapshot)"/> when the caller already knows the answer for the message's type.</summary>
    internal static ContextEnvelope Create(object message, ContextSnapshot context, bool influencesReceiveTimeout) =>
        influencesReceiveTimeout ? new ContextEnvelope(message, context) : new NotInfluencingReceiveTimeout(message, context);

    public override string ToString() => $"{Message} (with context of {ContextSnapshots.VisibleCount(Context)} entries)";

    /// <summary>Keeps the receive-timeout behaviour of the message it wraps (the cell checks the outer type).</summary>
    internal sealed class NotInfluencingReceiveTimeout(object message, ContextSnapshot context)
        : ContextEnvelope(message, context), INotInfluenceReceiveTimeout;
}
