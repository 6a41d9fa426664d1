using ActorContext.Akka.Infrastructure;
using Akka.Actor;
using Akka.Actor.Internal;
using Akka.Cluster;
using Akka.Event;

namespace ActorContext.Remote;

/// <summary>Akka.Cluster's provider with context propagation, selected by <c>WithMessageContext()</c> for <c>provider = cluster</c>.</summary>
internal sealed class ContextClusterActorRefProvider : ClusterActorRefProvider, IActorRefProvider
{
    public ContextClusterActorRefProvider(string systemName, Settings settings, EventStream eventStream)
        : base(systemName, settings, eventStream)
    {
    }

    IInternalActorRef IActorRefProvider.ActorOf(ActorSystemImpl system, Props props, IInternalActorRef supervisor, ActorPath path, bool systemService, Deploy deploy, bool lookupDeploy, bool async) =>
        RemoteProviderSupport.ActorOf(this, () => ActorOf(system, props, supervisor, path, systemService, deploy, lookupDeploy, async), system, props, supervisor, path, systemService, deploy, lookupDeploy, async);

    /// <summary>Starts remoting (its transport threads among others) apart from the creator's context (see <see cref="TransportSupport.RunDetached"/>).</summary>
    public override void Init(ActorSystemImpl system)
    {
        TransportSupport.EnsureAkkaInternals();
        TransportSupport.RunDetached(() => base.Init(system));
    }

    protected override IInternalActorRef CreateRemoteRef(ActorPath actorPath, Address localAddress) =>
        RemoteProviderSupport.CreateRemoteRef(this, actorPath, localAddress);

    protected override IInternalActorRef CreateRemoteRef(Props props, IInternalActorRef supervisor, Address localAddress, ActorPath rpath, Deploy deployment) =>
        RemoteProviderSupport.CreateRemoteRef(this, props, supervisor, localAddress, rpath, deployment);
}
