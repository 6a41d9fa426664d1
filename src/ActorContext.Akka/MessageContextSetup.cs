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

    /// <summary>
    /// Returns <paramref name="config"/> with context propagation turned on: every message carries its sender's
    /// context and gets it back around the receiver's Receive.
    /// </summary>
    /// <param name="config">The system's configuration (use <c>ConfigurationFactory.Empty</c> when you have none).</param>
    /// <param name="options">Propagation options; defaults when omitted.</param>
    /// <returns>A configuration to pass to <c>ActorSystem.Create</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="config"/> is null.</exception>
    /// <exception cref="NotSupportedException">The configuration selects a remote or cluster provider: propagation across nodes is not available yet.</exception>
    public static Config WithMessageContext(this Config config, MessageContextOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        options ??= new MessageContextOptions();

        var provider = config.GetString("akka.actor.provider", "local")?.Trim() ?? "local";
        if (!IsLocalProvider(provider))
        {
            throw new NotSupportedException(
                $"akka.actor.provider is [{provider}]. ActorContext propagates contexts with the local provider only in this version; " +
                "remote and cluster providers are not supported yet. Remove the provider setting or use provider = local.");
        }

        var scheduler = config.GetString("akka.scheduler.implementation", string.Empty)?.Trim() ?? string.Empty;
        var inner = scheduler.Length == 0 || scheduler == s_schedulerType
            ? config.GetString(ContextScheduler.InnerImplementationPath, string.Empty) ?? string.Empty
            : scheduler;

        var hocon = $$"""
            akka.actor.provider = "{{s_providerType}}"
            akka.scheduler.implementation = "{{s_schedulerType}}"
            {{MessageContextSettings.Section}} {
              restore-after-receive = {{(options.RestoreAfterReceive ? "on" : "off")}}
              inner-scheduler = "{{inner}}"
            }
            """;
        return ConfigurationFactory.ParseString(hocon).WithFallback(config);
    }

    /// <summary>Whether <paramref name="system"/> was created with context propagation turned on.</summary>
    /// <param name="system">The actor system to check.</param>
    /// <exception cref="ArgumentNullException"><paramref name="system"/> is null.</exception>
    public static bool IsMessageContextEnabled(this ActorSystem system)
    {
        ArgumentNullException.ThrowIfNull(system);
        return system is ExtendedActorSystem extended
            && extended.Provider is ContextActorRefProvider
            && extended.Scheduler is ContextScheduler;
    }

    private static bool IsLocalProvider(string provider) =>
        provider.Length == 0
        || provider.Equals("local", StringComparison.OrdinalIgnoreCase)
        || provider == s_providerType
        || provider.StartsWith("Akka.Actor.LocalActorRefProvider", StringComparison.Ordinal);

    private static string TypeName(Type type) => $"{type.FullName}, {type.Assembly.GetName().Name}";
}
