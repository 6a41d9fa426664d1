using ActorContext.Hosting;
using Akka.Actor;
using Akka.Cluster.Hosting;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ActorContext.Akka.Tests;

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
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Services.AddAkka("composed", akka =>
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
        var host = builder.Build();
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
    public async Task WithMessageContext_BeforeWithRemotingOrClustering_FailsStartSayingToCallItAfter(bool cluster)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(async () =>
        {
            using var host = await StartAsync(cluster, contextFirst: true);
        });

        Assert.Contains("after WithRemoting() and WithClustering()", Flatten(error));
    }

    private static string Flatten(Exception error) =>
        error is AggregateException aggregate
            ? string.Join(" | ", aggregate.Flatten().InnerExceptions.Select(Flatten))
            : error.Message + (error.InnerException is null ? string.Empty : " | " + Flatten(error.InnerException));
}
