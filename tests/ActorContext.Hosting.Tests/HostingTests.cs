using ActorContext.Hosting;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ActorContext.Hosting.Tests;

/// <summary>
/// The Akka.Hosting path. Akka.Hosting.TestKit is built on xunit v3 and cannot share this xunit 2 project, so the
/// host is built by hand: Host.CreateApplicationBuilder + AddAkka, started, used, stopped.
/// </summary>
public class HostingTests
{
    private sealed record Hop;

    private sealed class Relay : ReceiveActor
    {
        public Relay(IActorRef next) => Receive<Hop>(h => next.Forward(h));
    }

    private sealed class Reporter : ReceiveActor
    {
        public Reporter() => Receive<Hop>(_ => Sender.Tell(ContextTestKit.SeenId()));
    }

    private sealed class Registered;

    [Fact]
    public async Task WithMessageContext_HostedSystem_ChainSeesEdgeContext()
    {
        using var host = await TestHosts.StartAsync("hosted", akka => akka
            .WithMessageContext()
            .WithActors((system, registry) =>
            {
                var reporter = system.ActorOf(Props.Create(() => new Reporter()), "reporter");
                registry.Register<Registered>(system.ActorOf(Props.Create(() => new Relay(reporter)), "relay"));
            }));
        try
        {
            var system = host.Services.GetRequiredService<ActorSystem>();
            Assert.True(system.IsMessageContextEnabled());
            var relay = host.Services.GetRequiredService<IRequiredActor<Registered>>().ActorRef;

            var seen = await new MessageContext().Run<Task<string>>(() =>
            {
                ContextTestKit.RequestId.Set("hosted-1");
                return relay.Ask<string>(new Hop(), TimeSpan.FromSeconds(5));
            });

            Assert.Equal("hosted-1", seen);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task WithMessageContext_CalledTwiceWithOptions_IsIdempotentAndLastOptionsWin()
    {
        using var host = await TestHosts.StartAsync("hosted", akka => akka
            .WithMessageContext()
            .WithMessageContext(o => o.RestoreAfterReceive = true));
        try
        {
            var system = host.Services.GetRequiredService<ActorSystem>();
            Assert.True(system.IsMessageContextEnabled());
            Assert.True(system.Settings.Config.GetBoolean("actor-context.restore-after-receive"));
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public void WithMessageContext_ReturnsSameBuilder()
    {
        var services = new ServiceCollection();
        var builder = new AkkaConfigurationBuilder(services, "returns");
        Assert.Same(builder, builder.WithMessageContext());
        Assert.Same(builder, builder.WithMessageContext(new MessageContextOptions()));
        Assert.Same(builder, builder.WithMessageContext(_ => { }));
    }
}
