using ActorContext.Akka.Internal;
using ActorContext.Hosting;
using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ActorContext.Akka.Tests;

public class SetupTests
{
    [Theory]
    [InlineData("remote", "ContextRemoteActorRefProvider")]
    [InlineData("cluster", "ContextClusterActorRefProvider")]
    [InlineData("Akka.Remote.RemoteActorRefProvider, Akka.Remote", "ContextRemoteActorRefProvider")]
    [InlineData("Akka.Cluster.ClusterActorRefProvider, Akka.Cluster", "ContextClusterActorRefProvider")]
    public void WithMessageContext_RemoteOrClusterProvider_SelectsThePropagatingProviderOfThatKind(string provider, string expected)
    {
        var config = ConfigurationFactory.ParseString($"akka.actor.provider = \"{provider}\"").WithMessageContext();

        Assert.Contains(expected, config.GetString("akka.actor.provider"));
        Assert.Contains("ContextEnvelopeSerializer", config.GetString("akka.actor.serializers.actor-context"));
    }

    [Fact]
    public void WithMessageContext_UnknownProvider_ThrowsNotSupportedNamingIt()
    {
        var config = ConfigurationFactory.ParseString("akka.actor.provider = \"My.Provider, Mine\"");

        var error = Assert.Throws<NotSupportedException>(() => config.WithMessageContext());

        Assert.Contains("My.Provider, Mine", error.Message);
    }

    [Fact]
    public void WithMessageContext_NullConfig_ThrowsArgumentNull()
    {
        Assert.Throws<ArgumentNullException>(() => MessageContextSetup.WithMessageContext(null!));
    }

    [Fact]
    public async Task WithMessageContext_ConfiguredSchedulerImplementation_KeepsRunningUnderneath()
    {
        var config = ConfigurationFactory
            .ParseString("akka.scheduler.implementation = \"Akka.Actor.HashedWheelTimerScheduler, Akka\"")
            .WithMessageContext();

        Assert.Equal("Akka.Actor.HashedWheelTimerScheduler, Akka", config.GetString(ContextScheduler.InnerImplementationPath));
        using var system = ActorSystem.Create("inner-scheduler", config);
        Assert.True(system.IsMessageContextEnabled());
        await system.Terminate();
    }

    [Fact]
    public async Task WithMessageContext_AppliedTwice_StillEnabledAndSchedulerNotNested()
    {
        var config = ConfigurationFactory.Empty.WithMessageContext().WithMessageContext();

        Assert.Equal(string.Empty, config.GetString(ContextScheduler.InnerImplementationPath));
        using var system = ActorSystem.Create("twice", config);
        Assert.True(system.IsMessageContextEnabled());
        await system.Terminate();
    }

    [Fact]
    public async Task IsMessageContextEnabled_PlainSystem_False()
    {
        using var system = ActorSystem.Create("plain");
        Assert.False(system.IsMessageContextEnabled());
        await system.Terminate();
    }

    [Fact]
    public async Task WithMessageContext_Hosting_ProviderOrSchedulerReplacedLater_FailsStartNamingTheProblem()
    {
        using var host = BuildHost("replaced", akka => akka
            .WithMessageContext()
            .AddHocon("akka.scheduler.implementation = \"Akka.Actor.HashedWheelTimerScheduler, Akka\"", HoconAddMode.Prepend));

        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        Assert.Contains("WithMessageContext()", Flatten(error));
        await host.StopAsync();
    }

    [Theory]
    [InlineData(HoconAddMode.Append)]
    [InlineData(HoconAddMode.Prepend)]
    public async Task WithMessageContext_Hosting_TestSchedulerNamedInHocon_FailsStartPointingToContextTestScheduler(HoconAddMode mode)
    {
        using var host = BuildHost("test-scheduler", akka => akka
            .AddHocon("akka.scheduler.implementation = \"Akka.TestKit.TestScheduler, Akka.TestKit\"", mode)
            .WithMessageContext());

        var error = Flatten(await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync()));

        Assert.Contains("WithMessageContext()", error);
        Assert.Contains("ActorContext.TestKit.ContextTestScheduler", error);
        await host.StopAsync();
    }

    [Fact]
    public async Task WithMessageContext_Hosting_ContextTestSchedulerNamed_StartsAndIsATestScheduler()
    {
        using var host = BuildHost("context-test-scheduler", akka => akka
            .WithMessageContext()
            .AddHocon("akka.scheduler.implementation = \"ActorContext.TestKit.ContextTestScheduler, ActorContext.TestKit\"", HoconAddMode.Append));
        await host.StartAsync();
        try
        {
            var system = host.Services.GetRequiredService<ActorSystem>();
            Assert.True(system.IsMessageContextEnabled());
            Assert.IsAssignableFrom<global::Akka.TestKit.TestScheduler>(system.Scheduler);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private static IHost BuildHost(string name, Action<AkkaConfigurationBuilder> configure)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddAkka(name, configure);
        return builder.Build();
    }

    private static string Flatten(Exception error) =>
        error is AggregateException aggregate
            ? string.Join(" | ", aggregate.Flatten().InnerExceptions.Select(Flatten))
            : error.Message + (error.InnerException is null ? string.Empty : " | " + Flatten(error.InnerException));
}
