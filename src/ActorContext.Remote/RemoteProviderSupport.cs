using ActorContext.Akka.Infrastructure;
using Akka.Actor;
using Akka.Actor.Internal;
using Akka.Remote;

namespace ActorContext.Remote;

/// <summary>
/// What the remote and cluster providers share: local actors get context-aware refs and cells, remote deployment
/// is left to Akka.
/// </summary>
/// <remarks>
/// Akka's remote provider creates local actors through a private local provider that cannot be replaced, so the
/// placement decision it makes (the deployment's scope) is made here again, and only remote deployments go back to
/// Akka's own code (which then creates remote refs through the overridden <c>CreateRemoteRef</c>).
/// </remarks>
internal static class RemoteProviderSupport
{
    internal static IInternalActorRef ActorOf(
        RemoteActorRefProvider provider,
        Func<IInternalActorRef> akkaActorOf,
        ActorSystemImpl system,
        Props props,
        IInternalActorRef supervisor,
        ActorPath path,
        bool systemService,
        Deploy? deploy,
        bool lookupDeploy,
        bool async)
    {
        if (systemService)
        {
            return TransportSupport.LocalActorOf(system, provider.Deployer, props, supervisor, path, deploy, lookupDeploy, async);
        }

        var elements = path.Elements;
        Deploy? configDeploy = null;
        if (lookupDeploy && elements.Count > 0)
        {
            configDeploy = elements[0] switch
            {
                "user" => provider.Deployer.Lookup(elements.Skip(1)),
                "remote" => provider.LookUpRemotes(elements),
                _ => null,
            };
        }

        var deployment = new[] { deploy, configDeploy }
            .Where(static d => d is not null)
            .Aggregate(Deploy.None, static (first, second) => second!.WithFallback(first));
        var propsDeploy = new[] { props.Deploy, deployment }
            .Where(static d => d is not null)
            .Aggregate(Deploy.None, static (first, second) => second!.WithFallback(first));

        return propsDeploy.Scope is RemoteScope remote && !provider.HasAddress(remote.Address)
            ? akkaActorOf()
            : TransportSupport.LocalActorOf(system, provider.Deployer, props, supervisor, path, deployment, lookupDeploy: false, async);
    }

    internal static IInternalActorRef CreateRemoteRef(RemoteActorRefProvider provider, ActorPath path, Address localAddress) =>
        new ContextRemoteActorRef(provider.Transport, localAddress, path, ActorRefs.Nobody, Props.None, Deploy.None);

    internal static IInternalActorRef CreateRemoteRef(RemoteActorRefProvider provider, Props props, IInternalActorRef supervisor, Address localAddress, ActorPath path, Deploy deployment) =>
        new ContextRemoteActorRef(provider.Transport, localAddress, path, supervisor, props, deployment);
}
