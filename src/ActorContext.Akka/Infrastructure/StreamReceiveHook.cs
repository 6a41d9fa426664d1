using System.ComponentModel;

namespace ActorContext.Akka.Infrastructure;

/// <summary>
/// Takes over how the messages of one of Akka.Streams' own actors meet their contexts, where one message is not one unit
/// of work: part of the seam ActorContext.Streams implements (see <see cref="StreamsSupportAttribute"/>).
/// </summary>
/// <remarks>
/// For ActorContext packages; not for applications; changes between versions, which is why ActorContext packages depend
/// on each other at exactly one version.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public abstract class StreamReceiveHook
{
    /// <summary>
    /// Receives <paramref name="message"/>, which arrived with <paramref name="context"/>: makes the right context current
    /// and hands the message to the actor through <paramref name="cell"/>.
    /// </summary>
    /// <param name="cell">The actor's cell.</param>
    /// <param name="message">The message, unwrapped.</param>
    /// <param name="context">The context it arrived with, if any.</param>
    public abstract void Receive(IHookedCell cell, object message, ContextSnapshot? context);

    /// <summary>Whether <paramref name="message"/> is one of Akka.Streams' own (demand, cancellation, subscription) rather than an element.</summary>
    /// <param name="message">The message.</param>
    /// <returns>True for Akka.Streams' protocol messages.</returns>
    public static bool IsStreamsProtocol(object message)
    {
        ArgumentNullException.ThrowIfNull(message);
        return Internal.ReceiveHook.IsStreamsProtocol(message);
    }
}
