using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace ActorContext.Hosting.Tests;

/// <summary>A hosted system whose provider or scheduler is not what <c>WithMessageContext</c> installed fails its start saying so.</summary>
public class HostingSetupTests
{
    [Fact]
    public async Task WithMessageContext_Hosting_ProviderOrSchedulerReplacedLater_FailsStartNamingTheProblem()
    {
        using var host = TestHosts.Build("replaced", akka => akka
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
        using var host = TestHosts.Build("test-scheduler", akka => akka
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
        using var host = TestHosts.Build("context-test-scheduler", akka => akka
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

    private static string Flatten(Exception error) =>
        error is AggregateException aggregate
            ? string.Join(" | ", aggregate.Flatten().InnerExceptions.Select(Flatten))
            : error.Message + (error.InnerException is null ? string.Empty : " | " + Flatten(error.InnerException));
}
