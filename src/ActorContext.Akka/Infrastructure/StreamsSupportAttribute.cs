using System.ComponentModel;
using Akka.Actor;

namespace ActorContext.Akka.Infrastructure;

/// <summary>
/// Declared (as a subclass) on the ActorContext.Streams assembly: the receive hooks that carry each stream element's
/// context through the actors of Akka.Streams. The engine reads it to hand those actors' messages to the hooks.
/// </summary>
/// <remarks>
/// The engine knows only the package's name (to load it when the application references it); what the hooks are is
/// declared there. Without the package the engine runs those actors under the context they were created with. For
/// ActorContext packages; not for applications; changes between versions, which is why ActorContext packages depend on
/// each other at exactly one version.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = false)]
public abstract class StreamsSupportAttribute : Attribute
{
    /// <summary>The hook for <paramref name="actor"/> (a stream's interpreter or an actor publisher); null to leave it to the engine.</summary>
    /// <param name="actor">The actor, just created.</param>
    /// <param name="creationContext">The context it was created under (the stream's materialization).</param>
    /// <returns>The hook, or null.</returns>
    public abstract StreamReceiveHook? CreateHook(ActorBase actor, ContextSnapshot? creationContext);

    /// <summary>Called when a stream interpreter actor is created, on the creating thread, before its constructor runs.</summary>
    /// <param name="arguments">The arguments of the interpreter's props.</param>
    public abstract void Prepare(object?[]? arguments);
}
