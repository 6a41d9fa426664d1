using System.ComponentModel;

namespace ActorContext.Akka.Infrastructure;

/// <summary>The cell of an actor whose messages a <see cref="StreamReceiveHook"/> handles.</summary>
/// <remarks>
/// For ActorContext packages; not for applications; changes between versions, which is why ActorContext packages depend
/// on each other at exactly one version.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IHookedCell
{
    /// <summary>Hands <paramref name="message"/> to the actor with whatever context the hook made current.</summary>
    /// <param name="message">The message.</param>
    void ReceiveUnhooked(object message);
}
