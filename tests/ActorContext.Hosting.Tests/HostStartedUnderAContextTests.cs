using System.Diagnostics;
using ActorContext.Hosting;
using Akka.Actor;
using Akka.Configuration;
using Akka.Hosting;
using Akka.Remote.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ActorContext.Hosting.Tests;

/// <summary>A host started inside a request's context and Activity: what the actor system starts inherits neither.</summary>
public class HostStartedUnderAContextTests
{
    private static readonly ContextVar<string> Id = new("host-under-context-id", ContextScope.Distributed);

    private sealed class Echo : ReceiveActor
    {
        public Echo() => ReceiveAny(m => Sender.Tell($"{m}:{Id.Get("none")}/{Activity.Current?.TraceId.ToString() ?? "none"}"));
    }

    [Fact]
    public async Task RemoteHostStartedUnderAContextAndActivity_MessagesFromAnotherNodeWithNoContext_SeeNone()
    {
        IHost host;
        using (new Activity("starting-host").SetIdFormat(ActivityIdFormat.W3C).Start())
        using (Id.Set("x"))
        {
            host = await TestHosts.StartAsync("hosted-under-x", akka => akka
                .WithRemoting(new RemoteOptions { HostName = "127.0.0.1", Port = 0 })
                .WithMessageContext()
                .WithActors((system, _) => system.ActorOf(Props.Create(() => new Echo()), "echo")));
        }

        using var other = await Task.Run(() => ActorSystem.Create("other-node", ConfigurationFactory.ParseString("""
            akka.actor.provider = remote
            akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
            akka.loglevel = WARNING
            """).WithMessageContext()));
        try
        {
            var hosted = (ExtendedActorSystem)host.Services.GetRequiredService<ActorSystem>();
            var echo = await other.ActorSelection(new RootActorPath(hosted.Provider.DefaultAddress) / "user" / "echo")
                .ResolveOne(TimeSpan.FromSeconds(10));

            var replies = new List<string>();
            for (var i = 0; i < 5; i++)
            {
                replies.Add(await echo.Ask<string>($"plain-{i}", TimeSpan.FromSeconds(10)));
            }

            Assert.Equal(Enumerable.Range(0, 5).Select(i => $"plain-{i}:none/none"), replies);
        }
        finally
        {
            await other.Terminate();
            await host.StopAsync();
            host.Dispose();
        }
    }
}
