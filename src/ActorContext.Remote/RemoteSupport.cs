using ActorContext.Akka.Infrastructure;
using ActorContext.Remote;

// What this package adds to the engine, declared once: WithMessageContext() reads it to choose the remote or cluster
// provider with propagation and to bind the context serializer under its id.
[assembly: RemoteSupport(
    remoteProvider: typeof(ContextRemoteActorRefProvider),
    clusterProvider: typeof(ContextClusterActorRefProvider),
    serializer: typeof(ContextEnvelopeSerializer),
    serializerId: ContextEnvelopeSerializer.SerializerId)]
