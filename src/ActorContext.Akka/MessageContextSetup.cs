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

    // Remote and cluster support lives in ActorContext.Remote (it depends on Akka.Cluster); found by name.
    private const string RemoteAssembly = "ActorContext.Remote";
    private const string RemoteProviderType = "ActorContext.Remote.ContextRemoteActorRefProvider, " + RemoteAssembly;
    private const string ClusterProviderType = "ActorContext.Remote.ContextClusterActorRefProvider, " + RemoteAssembly;
    private const string SerializerType = "ActorContext.Remote.ContextEnvelopeSerializer, " + RemoteAssembly;

    // Akka.TestKit's virtual-time scheduler is not a SchedulerBase and tests cast Sys.Scheduler to it, so it cannot be
    // wrapped: ActorContext.TestKit has a TestScheduler that captures contexts itself, found by name.
    private const string TestKitAssembly = "ActorContext.TestKit";
    private const string AkkaTestScheduler = "Akka.TestKit.TestScheduler";
    private const string ContextTestSchedulerType = "ActorContext.TestKit.ContextTestScheduler, " + TestKitAssembly;

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
        var providerType = withProvider ? ContextProviderFor(provider) : string.Empty;

        var scheduler = config.GetString("akka.scheduler.implementation", string.Empty)?.Trim() ?? string.Empty;
        var inner = scheduler.Length == 0 || scheduler == s_schedulerType
            ? config.GetString(ContextScheduler.InnerImplementationPath, string.Empty) ?? string.Empty
            : scheduler;
        var schedulerType = s_schedulerType;
        if (inner.StartsWith(AkkaTestScheduler, StringComparison.Ordinal) || scheduler == ContextTestSchedulerType)
        {
            schedulerType = Type.GetType(ContextTestSchedulerType, throwOnError: false) is not null
                ? ContextTestSchedulerType
                : throw new NotSupportedException(
                    $"akka.scheduler.implementation is [{inner}]: Akka.TestKit's TestScheduler with context propagation needs the " +
                    $"{TestKitAssembly} package (dotnet add package {TestKitAssembly}); it then stays castable to TestScheduler.");
            inner = string.Empty;
        }

        var remoting = (withProvider && providerType == s_providerType) || (!withProvider && !RemoteSupportAvailable) ? string.Empty : RemotingHocon();
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
        scheduler is IPropagatingScheduler ? string.Empty
        : scheduler.GetType().FullName == AkkaTestScheduler
            ? $"For Akka.TestKit's virtual time name \"{ContextTestSchedulerType}\" instead (package {TestKitAssembly}): it is a TestScheduler that propagates contexts."
            : $"Remove akka.scheduler.implementation, or create the system from Config.WithMessageContext(), which keeps a scheduler named there running underneath.";

    /// <summary>Whether <paramref name="system"/> was created with context propagation turned on.</summary>
    /// <param name="system">The actor system to check.</param>
    /// <exception cref="ArgumentNullException"><paramref name="system"/> is null.</exception>
    public static bool IsMessageContextEnabled(this ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        return system is ExtendedActorSystem extended
            && (extended.Provider is ContextActorRefProvider || extended.Provider.GetType().Assembly.GetName().Name == RemoteAssembly)
            && extended.Scheduler is IPropagatingScheduler;
    }

    private const int SerializerIdentifier = 5372;

    /// <summary>Whether the ActorContext.Remote package (remote and cluster support) is available.</summary>
    internal static bool RemoteSupportAvailable => Type.GetType(RemoteProviderType, throwOnError: false) is not null;

    /// <summary>Binds the serializer that carries a message's context between nodes.</summary>
    internal static string RemotingHocon() => $$"""
        akka.actor.serializers.actor-context = "{{SerializerType}}"
        akka.actor.serialization-bindings { "{{TypeName(typeof(ContextEnvelope))}}" = actor-context }
        akka.actor.serialization-identifiers { "{{SerializerType}}" = {{SerializerIdentifier}} }
        """;

    /// <summary>The provider with propagation that stands in for <paramref name="provider"/> (an alias or a type name).</summary>
    internal static string ContextProviderFor(string provider)
    {
        if (provider.Length == 0
            || provider.Equals("local", StringComparison.OrdinalIgnoreCase)
            || provider == s_providerType
            || provider.StartsWith("Akka.Actor.LocalActorRefProvider", StringComparison.Ordinal))
        {
            return s_providerType;
        }

        var remote = provider.Equals("remote", StringComparison.OrdinalIgnoreCase)
            || provider == RemoteProviderType
            || provider.StartsWith("Akka.Remote.RemoteActorRefProvider", StringComparison.Ordinal);
        var cluster = provider.Equals("cluster", StringComparison.OrdinalIgnoreCase)
            || provider == ClusterProviderType
            || provider.StartsWith("Akka.Cluster.ClusterActorRefProvider", StringComparison.Ordinal);
        if (!remote && !cluster)
        {
            throw new NotSupportedException(
                $"akka.actor.provider is [{provider}], which ActorContext cannot add propagation to. Use local, remote or cluster.");
        }

        var type = remote ? RemoteProviderType : ClusterProviderType;
        if (Type.GetType(type, throwOnError: false) is null)
        {
            throw new NotSupportedException(
                $"akka.actor.provider is [{provider}]: propagation across nodes needs the {RemoteAssembly} package. " +
                $"Add a reference to {RemoteAssembly} (dotnet add package {RemoteAssembly}).");
        }

        return type;
    }

    private static string TypeName(Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";
}
