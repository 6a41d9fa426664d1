using System.Reflection;
using System.Runtime.CompilerServices;
using ActorContext.Akka;
using ActorContext.Akka.Infrastructure;
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
    // Builders that already have the provider choice and the start-up check, so calling WithMessageContext twice adds
    // them once; the value is the provider selection this library made, to tell it from anyone else's.
    private static readonly ConditionalWeakTable<AkkaConfigurationBuilder, StrongBox<ProviderSelection?>> s_installed = new();

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
    /// Call it before or after <c>WithRemoting()</c>, <c>WithClustering()</c> or HOCON that sets
    /// <c>akka.actor.provider</c>: when the actor system is built, the propagating provider of the kind they chose
    /// (local, remote or cluster; the last two need the ActorContext.Remote package) takes its place.
    /// Calling it again replaces the options; propagation is installed once. Every message an actor sends then
    /// carries the sender's context, and no actor needs to change. The check that propagation really is in place
    /// runs when the actor system starts and fails the start with a clear error if another part of the
    /// configuration replaced it (a custom actor-ref provider or scheduler).
    /// </remarks>
    public static AkkaConfigurationBuilder WithMessageContext(this AkkaConfigurationBuilder builder, MessageContextOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(options);

        builder.AddHocon(PropagationConfig.WithoutProvider(options), HoconAddMode.Prepend);

        if (s_installed.TryGetValue(builder, out _))
        {
            return builder;
        }

        var chosen = new StrongBox<ProviderSelection?>();
        s_installed.AddOrUpdate(builder, chosen);

        // The provider must be chosen after every other configure call, because WithRemoting and WithClustering decide
        // theirs when they are called (and leave a custom one alone), in any order. Akka.Hosting gives extensions no
        // hook between the last configure call and the system's creation but one: it reads the names of the
        // registered extensions just before it reads the provider. The registered type reports its name unchanged
        // and makes the choice as it does. Should a later Akka.Hosting read them in another order, the start-up
        // check below fails the start instead of running without propagation.
        builder.WithExtensions(new ProviderChoosingType(() => ChooseProvider(builder, chosen)));

        builder.AddStartup((system, _) =>
        {
            if (!system.IsMessageContextEnabled())
            {
                throw new InvalidOperationException(
                    $"WithMessageContext() was called but actor system [{system.Name}] runs with provider [{system.Settings.ProviderClass}] " +
                    $"and scheduler [{system.Scheduler.GetType().FullName}], so contexts would not propagate. Another setting replaced them " +
                    "(a custom actor-ref provider or akka.scheduler.implementation): remove it, or create the system from " +
                    "Config.WithMessageContext() yourself. Remote and cluster systems also need the ActorContext.Remote package. " +
                    PropagationConfig.SchedulerAdvice(system.Scheduler));
            }
        });

        return builder;
    }

    /// <summary>Puts the propagating provider of the kind the rest of the configuration chose in its place.</summary>
    private static void ChooseProvider(AkkaConfigurationBuilder builder, StrongBox<ProviderSelection?> chosen)
    {
        if (chosen.Value is null)
        {
            // Below everything the user configured, in whatever order: a scheduler named with akka.scheduler.implementation
            // wins, and the start-up check fails the start saying so, instead of it being replaced without a word.
            builder.AddHocon(PropagationConfig.SchedulerFallback(), HoconAddMode.Append);
        }

        string kind;
        if (builder.ActorRefProvider.HasValue)
        {
            var selection = builder.ActorRefProvider.Value;
            if (ReferenceEquals(selection, chosen.Value))
            {
                return;
            }

            switch (selection)
            {
                case ProviderSelection.Local:
                    kind = "local";
                    break;
                case ProviderSelection.Remote:
                    kind = "remote";
                    break;
                case ProviderSelection.Cluster:
                    kind = "cluster";
                    break;
                default:
                    // Someone else's provider: leave it, the start-up check says what happened.
                    return;
            }
        }
        else
        {
            var configured = builder.Configuration.HasValue ? builder.Configuration.Value.GetString("akka.actor.provider", "local") : "local";
            kind = string.IsNullOrWhiteSpace(configured) ? "local" : configured.Trim();
        }

        // A provider propagation cannot stand in for (or remote/cluster without ActorContext.Remote) fails the host's
        // build here with the NotSupportedException that says why — before the system opens any port.
        var type = PropagationConfig.ProviderFor(kind, out var hasCluster);
        chosen.Value = new ProviderSelection.Custom(type, kind, hasCluster);
        builder.WithActorRefProvider(chosen.Value);
    }

    /// <summary>
    /// The extension type registered with the builder: the same type in every respect (Akka loads it by name at start
    /// and finds <see cref="MessageContextStarted"/>), except that reading its name first chooses the provider.
    /// </summary>
    private sealed class ProviderChoosingType(Action choose) : TypeDelegator(typeof(MessageContextStarted))
    {
        public override string? AssemblyQualifiedName
        {
            get
            {
                choose();
                return base.AssemblyQualifiedName;
            }
        }
    }
}

/// <summary>The extension <c>WithMessageContext()</c> registers with Akka.Hosting; it does nothing once started.</summary>
internal sealed class MessageContextStarted : ExtensionIdProvider<MessageContextStarted.Started>
{
    public override Started CreateExtension(ExtendedActorSystem system) => new();

    /// <summary>The (empty) extension.</summary>
    internal sealed class Started : IExtension
    {
    }
}
