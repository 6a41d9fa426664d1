using ActorContext.Akka.Infrastructure;
using ActorContext.Akka.Internal;
using Akka.Actor;
using Akka.Configuration;

namespace ActorContext.Akka;

/// <summary>
/// Turns on context propagation for an <see cref="ActorSystem"/> created without Akka.Hosting.
/// </summary>
/// <example>
/// <code>
/// var config = ConfigurationFactory.ParseString(hocon).WithMessageContext();
/// using var system = ActorSystem.Create("orders", config);
/// </code>
/// </example>
/// <remarks>
/// Propagation is installed as the system's actor-ref provider and scheduler, so it has to be chosen when the
/// system is created; no actor needs a base class or any other change. A scheduler implementation already set in
/// the configuration keeps running underneath (propagation wraps it).
/// </remarks>
public static class MessageContextSetup
{
    private static readonly string s_providerType = TypeName(typeof(ContextActorRefProvider));
    private static readonly string s_schedulerType = TypeName(typeof(ContextScheduler));

    // Akka.TestKit's virtual-time scheduler is not a SchedulerBase and tests cast Sys.Scheduler to it, so it cannot be
    // wrapped: ActorContext.TestKit declares a TestScheduler that captures contexts itself (see OptionalPackages).
    private const string AkkaTestScheduler = "Akka.TestKit.TestScheduler";

    /// <summary>
    /// Returns <paramref name="config"/> with context propagation turned on: every message carries its sender's
    /// context and gets it back around the receiver's Receive.
    /// </summary>
    /// <param name="config">The system's configuration (use <c>ConfigurationFactory.Empty</c> when you have none).</param>
    /// <param name="options">Propagation options; defaults when omitted.</param>
    /// <returns>A configuration to pass to <c>ActorSystem.Create</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="config"/> is null.</exception>
    /// <exception cref="NotSupportedException">
    /// The configuration selects a provider other than local, remote or cluster; or remote or cluster without the
    /// ActorContext.Remote package referenced.
    /// </exception>
    public static Config WithMessageContext(this Config config, MessageContextOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        return PropagationConfig(config, options ?? new MessageContextOptions(), withProvider: true);
    }

    /// <summary>
    /// The settings that turn propagation on, over <paramref name="config"/>; the provider and the scheduler too when
    /// <paramref name="withProvider"/>. Akka.Hosting chooses the provider through its builder instead, and adds the
    /// scheduler as a fallback (<see cref="SchedulerFallbackConfig"/>), so a scheduler the user names wins and the
    /// start-up check says so rather than silently replacing it.
    /// </summary>
    internal static Config PropagationConfig(Config config, MessageContextOptions options, bool withProvider)
    {
        var provider = config.GetString("akka.actor.provider", "local")?.Trim() ?? "local";
        var providerType = withProvider ? ContextProviderFor(provider, out _) : string.Empty;

        var scheduler = config.GetString("akka.scheduler.implementation", string.Empty)?.Trim() ?? string.Empty;
        var inner = scheduler.Length == 0 || scheduler == s_schedulerType
            ? config.GetString(ContextScheduler.InnerImplementationPath, string.Empty) ?? string.Empty
            : scheduler;
        var schedulerType = s_schedulerType;
        if (inner.StartsWith(AkkaTestScheduler, StringComparison.Ordinal) || IsContextTestScheduler(scheduler))
        {
            schedulerType = OptionalPackages.TestKitSupport is { } testKit
                ? TypeName(testKit.Scheduler)
                : throw new NotSupportedException(
                    $"akka.scheduler.implementation is [{inner}]: Akka.TestKit's TestScheduler with context propagation needs the " +
                    $"{OptionalPackages.TestKit} package (dotnet add package {OptionalPackages.TestKit}); it then stays castable to TestScheduler.");
            inner = string.Empty;
        }

        var remote = OptionalPackages.RemoteSupport;
        var remoting = remote is null || (withProvider && providerType == s_providerType) ? string.Empty : RemotingHocon(remote);
        var providerLine = withProvider ? $"akka.actor.provider = \"{providerType}\"" : string.Empty;
        var schedulerLine = withProvider ? $"akka.scheduler.implementation = \"{schedulerType}\"" : string.Empty;
        var hocon = $$"""
            {{providerLine}}
            {{schedulerLine}}
            {{remoting}}
            {{MessageContextSettings.Section}} {
              restore-after-receive = {{(options.RestoreAfterReceive ? "on" : "off")}}
              drop-expired = {{(options.DropExpiredMessages ? "on" : "off")}}
              inner-scheduler = "{{inner}}"
            }
            """;
        return ConfigurationFactory.ParseString(hocon).WithFallback(config);
    }

    /// <summary>The propagating scheduler, for Akka.Hosting to add below everything the user configured.</summary>
    internal static Config SchedulerFallbackConfig() =>
        ConfigurationFactory.ParseString($"akka.scheduler.implementation = \"{s_schedulerType}\"");

    /// <summary>What to do about <paramref name="scheduler"/>, a scheduler that does not propagate contexts.</summary>
    internal static string SchedulerAdvice(IScheduler scheduler) =>
        IsPropagating(scheduler) ? string.Empty
        : scheduler.GetType().FullName == AkkaTestScheduler
            ? OptionalPackages.TestKitSupport is { } testKit
                ? $"For Akka.TestKit's virtual time name \"{TypeName(testKit.Scheduler)}\" instead: it is a TestScheduler that propagates contexts."
                : $"For Akka.TestKit's virtual time add the {OptionalPackages.TestKit} package and name its ContextTestScheduler instead: it is a TestScheduler that propagates contexts."
            : $"Remove akka.scheduler.implementation, or create the system from Config.WithMessageContext(), which keeps a scheduler named there running underneath.";

    /// <summary>Whether <paramref name="scheduler"/> (a type name) is ActorContext.TestKit's scheduler; looks the package up only for a name from it.</summary>
    private static bool IsContextTestScheduler(string scheduler) =>
        scheduler.EndsWith(", " + OptionalPackages.TestKit, StringComparison.Ordinal)
        && OptionalPackages.TestKitSupport is { } testKit
        && scheduler == TypeName(testKit.Scheduler);

    /// <summary>Whether <paramref name="system"/> was created with context propagation turned on.</summary>
    /// <param name="system">The actor system to check.</param>
    /// <exception cref="ArgumentNullException"><paramref name="system"/> is null.</exception>
    public static bool IsMessageContextEnabled(this ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        return system is ExtendedActorSystem extended
            && (extended.Provider is ContextActorRefProvider || IsRemoteProvider(extended.Provider.GetType()))
            && IsPropagating(extended.Scheduler);
    }

    /// <summary>Whether <paramref name="scheduler"/> captures contexts: the engine's own, or the virtual-time one of ActorContext.TestKit.</summary>
    private static bool IsPropagating(IScheduler scheduler) =>
        scheduler is ContextScheduler
        || (scheduler.GetType().Assembly.GetName().Name == OptionalPackages.TestKit
            && scheduler.GetType() == OptionalPackages.TestKitSupport?.Scheduler);

    private static bool IsRemoteProvider(Type provider) =>
        provider.Assembly.GetName().Name == OptionalPackages.Remote
        && OptionalPackages.RemoteSupport is { } remote
        && (provider == remote.RemoteProvider || provider == remote.ClusterProvider);

    /// <summary>Binds the serializer that carries a message's context between nodes, under the id ActorContext.Remote declares.</summary>
    private static string RemotingHocon(RemoteSupportAttribute remote) => $$"""
        akka.actor.serializers.actor-context = "{{TypeName(remote.Serializer)}}"
        akka.actor.serialization-bindings { "{{TypeName(typeof(ContextEnvelope))}}" = actor-context }
        akka.actor.serialization-identifiers { "{{TypeName(remote.Serializer)}}" = {{remote.SerializerId}} }
        """;

    /// <summary>The provider with propagation that stands in for <paramref name="provider"/> (an alias or a type name).</summary>
    internal static string ContextProviderFor(string provider, out bool hasCluster)
    {
        hasCluster = false;
        if (provider.Length == 0
            || provider.Equals("local", StringComparison.OrdinalIgnoreCase)
            || provider == s_providerType
            || provider.StartsWith("Akka.Actor.LocalActorRefProvider", StringComparison.Ordinal))
        {
            return s_providerType;
        }

        var support = provider.EndsWith(", " + OptionalPackages.Remote, StringComparison.Ordinal) ? OptionalPackages.RemoteSupport : null;
        var remote = provider.Equals("remote", StringComparison.OrdinalIgnoreCase)
            || (support is not null && provider == TypeName(support.RemoteProvider))
            || provider.StartsWith("Akka.Remote.RemoteActorRefProvider", StringComparison.Ordinal);
        var cluster = provider.Equals("cluster", StringComparison.OrdinalIgnoreCase)
            || (support is not null && provider == TypeName(support.ClusterProvider))
            || provider.StartsWith("Akka.Cluster.ClusterActorRefProvider", StringComparison.Ordinal);
        if (!remote && !cluster)
        {
            throw new NotSupportedException(
                $"akka.actor.provider is [{provider}], which ActorContext cannot add propagation to. Use local, remote or cluster.");
        }

        if (OptionalPackages.RemoteSupport is not { } available)
        {
            throw new NotSupportedException(
                $"akka.actor.provider is [{provider}]: propagation across nodes needs the {OptionalPackages.Remote} package. " +
                $"Add a reference to {OptionalPackages.Remote} (dotnet add package {OptionalPackages.Remote}).");
        }

        hasCluster = cluster;
        return TypeName(remote ? available.RemoteProvider : available.ClusterProvider);
    }

    private static string TypeName(Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";
}
