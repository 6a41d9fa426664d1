using ActorContext.Akka.Internal;
using Akka.Actor;
using Akka.Configuration;

namespace ActorContext.Akka.Tests;

public class SetupTests
{
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
}
