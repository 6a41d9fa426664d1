using System.Reflection;
using Akka.Actor;
using Akka.Actor.Internal;
using Akka.Configuration;
using Akka.Routing;

namespace ActorContext.Akka.Internal;

/// <summary>
/// Creates context-aware local refs, following the decisions Akka's own local provider makes (deployment
/// overrides of mailbox, dispatcher and stash; routers), so an actor behaves the same with or without propagation.
/// </summary>
internal static class LocalRefFactory
{
    private static readonly Lazy<ConstructorInfo> s_routedActorRefConstructor = new(static () =>
        typeof(RepointableActorRef).Assembly.GetType("Akka.Routing.RoutedActorRef", throwOnError: true)!
            .GetConstructors(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic)
            .Single(static c => c.GetParameters().Length == 7));

    internal static IInternalActorRef ActorOf(ActorSystemImpl system, Deployer deployer, Props props, IInternalActorRef supervisor, ActorPath path, Deploy? deploy, bool lookupDeploy, bool async)
    {
        if (props.Deploy.RouterConfig is NoRouter)
        {
            var effective = props;
            var propsDeploy = lookupDeploy ? deployer.Lookup(path) : deploy;
            if (propsDeploy is not null)
            {
                if (propsDeploy.Mailbox != Deploy.NoMailboxGiven)
                {
                    effective = effective.WithMailbox(propsDeploy.Mailbox);
                }

                if (propsDeploy.Dispatcher != Deploy.NoDispatcherGiven)
                {
                    effective = effective.WithDispatcher(propsDeploy.Dispatcher);
                }

                if (propsDeploy.StashCapacity != Deploy.NoStashSize)
                {
                    effective = effective.WithStashCapacity(propsDeploy.StashCapacity);
                }
            }

            if (!system.Dispatchers.HasDispatcher(effective.Dispatcher))
            {
                throw new ConfigurationException($"Dispatcher [{effective.Dispatcher}] not configured for path {path}");
            }

            try
            {
                var dispatcher = system.Dispatchers.Lookup(effective.Dispatcher);
                var mailboxType = system.Mailboxes.GetMailboxType(effective, dispatcher.Configurator.Config);
                return async
                    ? new ContextRepointableActorRef(system, effective, dispatcher, mailboxType, supervisor, path).Initialize(async)
                    : new ContextLocalActorRef(system, effective, dispatcher, mailboxType, supervisor, path);
            }
            catch (Exception ex)
            {
                throw new ConfigurationException(
                    $"Configuration problem while creating [{path}] with dispatcher [{effective.Dispatcher}] and mailbox [{effective.Mailbox}]", ex);
            }
        }

        var lookup = (lookupDeploy ? deployer.Lookup(path) : null) ?? Deploy.None;
        var merged = new[] { props.Deploy, deploy, lookup }
            .Where(static d => d is not null)
            .Aggregate(static (first, second) => second!.WithFallback(first!))!;
        var routed = props.WithRouter(merged.RouterConfig);

        if (!system.Dispatchers.HasDispatcher(routed.Dispatcher))
        {
            throw new ConfigurationException($"Dispatcher [{routed.Dispatcher}] not configured for routees of path [{path}]");
        }

        if (!system.Dispatchers.HasDispatcher(merged.RouterConfig.RouterDispatcher))
        {
            throw new ConfigurationException($"Dispatcher [{routed.RouterConfig.RouterDispatcher}] not configured for router of path [{path}]");
        }

        var routerProps = Props.Empty.WithRouter(routed.Deploy.RouterConfig).WithDispatcher(routed.RouterConfig.RouterDispatcher);
        var routeeProps = props.WithRouter(NoRouter.Instance);
        try
        {
            var routerDispatcher = system.Dispatchers.Lookup(routed.RouterConfig.RouterDispatcher);
            var routerMailbox = system.Mailboxes.GetMailboxType(routerProps, routerDispatcher.Configurator.Config);

            // Looked up only to fail early, as Akka does: routees are created later by the router itself.
            system.Dispatchers.Lookup(routed.Dispatcher);

            var routedRef = (RepointableActorRef)s_routedActorRefConstructor.Value.Invoke(
                [system, routerProps, routerDispatcher, routerMailbox, routeeProps, supervisor, path]);

            // Akka's router ref is internal, so it cannot wrap what it is told. Routing runs on the sender's thread,
            // where the routees' (context-aware) refs capture the sender's context; only messages queued while a
            // router starts asynchronously would be replayed from another thread and lose it. Starting the router
            // synchronously, as Akka does for every child actor, closes that window.
            routedRef.Initialize(async: false);
            return routedRef;
        }
        catch (Exception ex)
        {
            throw new ConfigurationException(
                $"Configuration problem while creating [{path}] with router dispatcher [{routerProps.Dispatcher}] and mailbox [{routerProps.Mailbox}] and routee dispatcher [{routeeProps.Dispatcher}] and mailbox [{routeeProps.Mailbox}].", ex);
        }
    }
}
