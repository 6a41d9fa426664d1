using ActorContext.Hosting;
using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ActorContext.Hosting.Tests;

/// <summary><c>WithMessageContext()</c> composed with Akka.Hosting's remoting and clustering.</summary>
public class HostingCompositionTests
{
    private static readonly ContextVar<string> HostedId = new("hosting-composition-id", ContextScope.Distributed);

    private sealed class Echo : ReceiveActor
    {
        public Echo() => ReceiveAny(m => Sender.Tell($"{m}:{HostedId.Get("none")}"));
    }

    private static async Task<IHost> StartAsync(bool cluster, bool contextFirst)
    {
        var host = TestHosts.Build("composed", akka =>
        {
            if (contextFirst)
            {
                akka.WithMessageContext();
            }

            var remote = new RemoteOptions { HostName = "127.0.0.1", Port = 0 };
            if (cluster)
            {
                akka.WithClustering(new ClusterOptions());
                akka.WithRemoting(remote);
            }
            else
            {
                akka.WithRemoting(remote);
            }

            if (!contextFirst)
            {
                akka.WithMessageContext();
            }
        });
        await host.StartAsync();
        return host;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task WithMessageContext_AfterWithRemotingOrClustering_PropagationIsInstalled(bool cluster)
    {
        using var host = await StartAsync(cluster, contextFirst: false);
        try
        {
            var system = host.Services.GetRequiredService<ActorSystem>();
            Assert.True(system.IsMessageContextEnabled(), $"provider {((ExtendedActorSystem)system).Provider.GetType()}");
            Assert.Contains(cluster ? "Cluster" : "Remote", ((ExtendedActorSystem)system).Provider.GetType().Name);

            var echo = system.ActorOf(Props.Create(() => new Echo()));
            var reply = await new MessageContext().Run(() =>
            {
                HostedId.Set("composed-1");
                return echo.Ask<string>("hi", TimeSpan.FromSeconds(5));
            });
            Assert.Equal("hi:composed-1", reply);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task WithMessageContext_BeforeWithRemotingOrClustering_PropagationIsInstalled(bool cluster)
    {
        using var host = await StartAsync(cluster, contextFirst: true);
        try
        {
            var system = host.Services.GetRequiredService<ActorSystem>();
            Assert.True(system.IsMessageContextEnabled(), $"provider {((ExtendedActorSystem)system).Provider.GetType()}");
            Assert.Contains(cluster ? "Cluster" : "Remote", ((ExtendedActorSystem)system).Provider.GetType().Name);
            Assert.NotNull(((ExtendedActorSystem)system).Provider.DefaultAddress.Port);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Fact]
    public async Task WithMessageContext_BetweenWithRemotingAndWithClustering_IsAClusterWithPropagation()
    {
        using var host = TestHosts.Build("between", akka => akka
            .WithRemoting(new RemoteOptions { HostName = "127.0.0.1", Port = 0 })
            .WithMessageContext()
            .WithClustering(new ClusterOptions()));
        await host.StartAsync();
        try
        {
            var provider = ((ExtendedActorSystem)host.Services.GetRequiredService<ActorSystem>()).Provider;
            Assert.Equal("ContextClusterActorRefProvider", provider.GetType().Name);
        }
        finally
        {
            await host.StopAsync();
        }
    }

    [Theory]
    [InlineData("remote", "ContextRemoteActorRefProvider")]
    [InlineData("cluster", "ContextClusterActorRefProvider")]
    [InlineData("local", "ContextActorRefProvider")]
    public async Task ProviderFromHocon_EitherOrder_GetsThePropagatingProviderOfThatKind(string kind, string expected)
    {
        foreach (var contextFirst in new[] { true, false })
        {
            var hocon = $"akka.actor.provider = {kind}\nakka.remote.dot-netty.tcp {{ hostname = 127.0.0.1, port = 0 }}";
            using var host = TestHosts.Build("hocon-" + kind, akka =>
            {
                if (contextFirst)
                {
                    akka.WithMessageContext();
                }

                akka.AddHocon(hocon, HoconAddMode.Prepend);
                if (!contextFirst)
                {
                    akka.WithMessageContext();
                }
            });
            await host.StartAsync();
            try
            {
                var system = (ExtendedActorSystem)host.Services.GetRequiredService<ActorSystem>();
                Assert.Equal(expected, system.Provider.GetType().Name);
                Assert.True(system.IsMessageContextEnabled());
            }
            finally
            {
                await host.StopAsync();
            }
        }
    }

    [Fact]
    public async Task ContextFirst_TwoRemoteHosts_TheContextCrossesBetweenThem()
    {
        using var server = await StartAsync(cluster: false, contextFirst: true);
        using var client = await StartAsync(cluster: false, contextFirst: true);
        try
        {
            var serverSystem = (ExtendedActorSystem)server.Services.GetRequiredService<ActorSystem>();
            serverSystem.ActorOf(Props.Create(() => new Echo()), "echo");
            var clientSystem = client.Services.GetRequiredService<ActorSystem>();
            var echo = await clientSystem.ActorSelection(new RootActorPath(serverSystem.Provider.DefaultAddress) / "user" / "echo")
                .ResolveOne(TimeSpan.FromSeconds(10));

            var reply = await new MessageContext().Run(() =>
            {
                HostedId.Set("across-hosts");
                return echo.Ask<string>("hi", TimeSpan.FromSeconds(10));
            });

            Assert.Equal("hi:across-hosts", reply);
        }
        finally
        {
            await client.StopAsync();
            await server.StopAsync();
        }
    }

    [Fact]
    public async Task UnknownProviderInHocon_FailsTheStartSayingWhy()
    {
        using var host = TestHosts.Build("unknown", akka => akka
            .WithMessageContext()
            .AddHocon("akka.actor.provider = \"My.Own.Provider, MyAssembly\"", HoconAddMode.Prepend));

        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        Assert.Contains("cannot add propagation to", Flatten(error));
    }

    [Fact]
    public async Task AnotherCustomProvider_FailsTheStartWithAClearError()
    {
        using var host = TestHosts.Build("custom", akka => akka
            .WithMessageContext()
            .WithActorRefProvider(new ProviderSelection.Custom("Akka.Actor.LocalActorRefProvider, Akka", "mine")));

        var error = await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync());

        Assert.Contains("contexts would not propagate", Flatten(error));
    }

    private static string Flatten(Exception error) =>
        error is AggregateException aggregate
            ? string.Join(" | ", aggregate.Flatten().InnerExceptions.Select(Flatten))
            : error.Message + (error.InnerException is null ? string.Empty : " | " + Flatten(error.InnerException));
}
