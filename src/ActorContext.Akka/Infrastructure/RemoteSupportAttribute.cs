using System.ComponentModel;

namespace ActorContext.Akka.Infrastructure;

/// <summary>
/// Declares, on the ActorContext.Remote assembly, the providers and the serializer it adds: the engine reads it to put
/// the remote or cluster provider with propagation in place and to bind the context serializer under its id.
/// </summary>
/// <remarks>
/// For ActorContext packages; not for applications; changes between versions, which is why ActorContext packages depend
/// on each other at exactly one version. The engine knows only the package's name (to load it when referenced and to
/// name it in errors when not); every type and the serializer id are declared once, in ActorContext.Remote.
/// </remarks>
/// <param name="remoteProvider">The provider that stands in for Akka.Remote's <c>RemoteActorRefProvider</c>.</param>
/// <param name="clusterProvider">The provider that stands in for Akka.Cluster's <c>ClusterActorRefProvider</c>.</param>
/// <param name="serializer">The serializer of a message together with its context.</param>
/// <param name="serializerId">That serializer's Akka serializer id.</param>
[EditorBrowsable(EditorBrowsableState.Never)]
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = false)]
public sealed class RemoteSupportAttribute(Type remoteProvider, Type clusterProvider, Type serializer, int serializerId) : Attribute
{
    /// <summary>The provider that stands in for Akka.Remote's <c>RemoteActorRefProvider</c>.</summary>
    public Type RemoteProvider { get; } = remoteProvider;

    /// <summary>The provider that stands in for Akka.Cluster's <c>ClusterActorRefProvider</c>.</summary>
    public Type ClusterProvider { get; } = clusterProvider;

    /// <summary>The serializer of a message together with its context.</summary>
    public Type Serializer { get; } = serializer;

    /// <summary>That serializer's Akka serializer id.</summary>
    public int SerializerId { get; } = serializerId;
}
