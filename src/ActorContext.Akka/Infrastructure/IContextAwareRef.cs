using System.ComponentModel;

namespace ActorContext.Akka.Infrastructure;

/// <summary>
/// Marks refs whose cell unwraps a message's context on arrival; only these may be sent a message with its context
/// (a scheduled tell to one carries the context with the message, to any other ref runs the tell in the context).
/// </summary>
/// <remarks>
/// The engine's local refs implement it, and ActorContext.Remote's ref to an actor on another node. For ActorContext
/// packages; not for applications; changes between versions, which is why ActorContext packages depend on each other at
/// exactly one version.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface IContextAwareRef
{
}
