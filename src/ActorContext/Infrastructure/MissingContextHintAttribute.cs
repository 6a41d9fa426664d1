using System.ComponentModel;

namespace ActorContext.Infrastructure;

/// <summary>
/// Declared on the ActorContext.Akka assembly: says why a var read found no value when the reason is not the caller's
/// code (the read runs inside an actor of a system created without propagation). The seam the engine uses to add to
/// core's error messages.
/// </summary>
/// <remarks>
/// Core does not depend on the engine, so it knows only the engine package's name: when a read fails it loads that
/// assembly if the application references it and asks the attribute declared there. For ActorContext packages; not for
/// applications; changes between versions, which is why ActorContext packages depend on each other at exactly one version.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = false)]
public abstract class MissingContextHintAttribute : Attribute
{
    /// <summary>A sentence saying why nothing is current here, or null when there is nothing to add.</summary>
    /// <returns>The sentence, or null.</returns>
    public abstract string? Describe();
}
