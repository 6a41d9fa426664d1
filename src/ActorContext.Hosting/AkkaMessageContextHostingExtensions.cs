using System.Runtime.CompilerServices;
using ActorContext.Akka;
using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;

namespace ActorContext.Hosting;

/// <summary>Akka.Hosting integration: <c>builder.WithMessageContext()</c>.</summary>
/// <example>
/// <code>
/// builder.Services.AddAkka("orders", akka =>
/// {
///     akka.WithMessageContext()
///         .WithActors((system, registry) => registry.Register&lt;Orders&gt;(system.ActorOf(Props.Create&lt;Orders&gt;())));
/// });
/// </code>
/// </example>
public static class AkkaMessageContextHostingExtensions
{
    // Builders that already have the start-up check, so calling WithMessageContext twice adds it once.
    private static readonly ConditionalWeakTable<AkkaConfigurationBuilder, object> s_checked = new();
    private static readonly object s_marker = new();

    /// <summary>Turns on context propagation with default options.</summary>
    /// <param name="builder">The Akka.Hosting builder.</param>
    /// <returns>The same builder.</returns>
    public static AkkaConfigurationBuilder WithMessageContext(this AkkaConfigurationBuilder builder) =>
        WithMessageContext(builder, new MessageContextOptions());

    /// <summary>Turns on context propagation, configuring its options.</summary>
    /// <param name="builder">The Akka.Hosting builder.</param>
    /// <param name="configure">Changes to the default options.</param>
    /// <returns>The same builder.</returns>
    public static AkkaConfigurationBuilder WithMessageContext(this AkkaConfigurationBuilder builder, Action<MessageContextOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var options = new MessageContextOptions();
        configure(options);
        return WithMessageContext(builder, options);
    }

    /// <summary>Turns on context propagation with the given options.</summary>
    /// <param name="builder">The Akka.Hosting builder.</param>
    /// <param name="options">The options.</param>
    /// <returns>The same builder.</returns>
    /// <remarks>
    /// Call it after <c>WithRemoting()</c> and <c>WithClustering()</c> (with the ActorContext.Remote package referenced):
    /// it replaces the provider they chose with the propagating one of the same kind.
    /// Calling it again replaces the options; propagation is installed once. Every message an actor sends then
    /// carries the sender's context, and no actor needs to change. The check that propagation really is in place
    /// runs when the actor system starts and fails the start with a clear error if another part of the
    /// configuration replaced it.
    /// </remarks>
    public static AkkaConfigurationBuilder WithMessageContext(this AkkaConfigurationBuilder builder, MessageContextOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);

        var config = ConfigurationFactory.Empty.WithMessageContext(options);
        if (MessageContextSetup.RemoteSupportAvailable)
        {
            config = ConfigurationFactory.ParseString(MessageContextSetup.RemotingHocon()).WithFallback(config);
        }

        builder.AddHocon(config, HoconAddMode.Prepend);

        // WithRemoting() and WithClustering() choose their provider through the builder, which wins over HOCON:
        // put the propagating provider of the same kind in its place.
        if (builder.ActorRefProvider.HasValue)
        {
            var kind = builder.ActorRefProvider.Value switch
            {
                ProviderSelection.Cluster => "cluster",
                ProviderSelection.Remote => "remote",
                _ => null,
            };
            if (kind is not null)
            {
                builder.WithActorRefProvider(new ProviderSelection.Custom(MessageContextSetup.ContextProviderFor(kind), kind, hasCluster: kind == "cluster"));
            }
        }

        if (s_checked.TryAdd(builder, s_marker))
        {
            builder.AddStartup((system, _) =>
            {
                if (!system.IsMessageContextEnabled())
                {
                    throw new InvalidOperationException(
                        $"WithMessageContext() was called but actor system [{system.Name}] runs with provider [{system.Settings.ProviderClass}] " +
                        $"and scheduler [{system.Scheduler.GetType().Name}], so contexts would not propagate. Another setting replaced them: " +
                        "call WithMessageContext() after WithRemoting() and WithClustering(), and reference the ActorContext.Remote package " +
                        "for remote and cluster systems.");
                }
            });
        }

        return builder;
    }
}
