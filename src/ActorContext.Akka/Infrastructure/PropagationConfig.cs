using System.ComponentModel;
using Akka.Actor;
using Akka.Configuration;

namespace ActorContext.Akka.Infrastructure;

/// <summary>
/// The settings that turn propagation on, in the pieces Akka.Hosting's builder needs: the seam ActorContext.Hosting
/// uses, because its builder chooses the provider and orders the HOCON itself.
/// </summary>
/// <remarks>
/// For ActorContext packages; not for applications (call <c>Config.WithMessageContext()</c> or the hosting builder's
/// <c>WithMessageContext()</c>); changes between versions, which is why ActorContext packages depend on each other at
/// exactly one version.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class PropagationConfig
{
    /// <summary>The propagation settings for <paramref name="options"/>, without the provider and the scheduler.</summary>
    /// <param name="options">The propagation options.</param>
    /// <returns>HOCON to add in front of the user's.</returns>
    public static Config WithoutProvider(MessageContextOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return MessageContextSetup.PropagationConfig(ConfigurationFactory.Empty, options, withProvider: false);
    }

    /// <summary>The propagating scheduler, to add below everything the user configured (a scheduler the user names wins).</summary>
    /// <returns>HOCON naming the propagating scheduler.</returns>
    public static Config SchedulerFallback() => MessageContextSetup.SchedulerFallbackConfig();

    /// <summary>What to do about <paramref name="scheduler"/> when it does not propagate contexts; empty when it does.</summary>
    /// <param name="scheduler">The system's scheduler.</param>
    /// <returns>A sentence for an error message.</returns>
    public static string SchedulerAdvice(IScheduler scheduler)
    {
        ArgumentNullException.ThrowIfNull(scheduler);
        return MessageContextSetup.SchedulerAdvice(scheduler);
    }

    /// <summary>The assembly-qualified name of the propagating provider that stands in for <paramref name="provider"/>.</summary>
    /// <param name="provider">An alias (local, remote, cluster) or a provider type name.</param>
    /// <param name="hasCluster">Whether that provider is the cluster one.</param>
    /// <returns>The provider's type name.</returns>
    /// <exception cref="NotSupportedException">
    /// A provider propagation cannot stand in for, or remote or cluster without ActorContext.Remote referenced.
    /// </exception>
    public static string ProviderFor(string provider, out bool hasCluster)
    {
        ArgumentNullException.ThrowIfNull(provider);
        return MessageContextSetup.ContextProviderFor(provider, out hasCluster);
    }
}
