using ActorContext.Akka;
using Akka.Actor;
using Akka.Configuration;
using Akka.Remote;

namespace ActorContext.Remote.Tests;

/// <summary>
/// Canary for the path-root convention remote sends rely on: only actors under "user", "system" and "remote" unwrap
/// what arrives, so only their messages are wrapped; temp actors (Ask) get the bare message.
/// </summary>
public class PathRootCanaryTests
{
    [Fact]
    public async Task AkkasPathRoots_AreTheOnesContextRemoteActorRefTellsApart()
    {
        var system = ActorSystem.Create("path-roots", ConfigurationFactory.ParseString("""
            akka.loglevel = WARNING
            akka.actor.provider = remote
            akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
            """).WithMessageContext());
        try
        {
            var provider = Assert.IsAssignableFrom<RemoteActorRefProvider>(((ExtendedActorSystem)system).Provider);

            Assert.Equal("user", provider.Guardian.Path.Elements[0]);
            Assert.Equal("system", provider.SystemGuardian.Path.Elements[0]);
            Assert.Equal("remote", provider.RemoteDaemon.Path.Elements[0]);
            Assert.Equal("temp", provider.TempPath().Elements[0]);

            Assert.True(ContextRemoteActorRef.UnwrapsOnArrival(["user", "a"]));
            Assert.True(ContextRemoteActorRef.UnwrapsOnArrival(["system", "a"]));
            Assert.True(ContextRemoteActorRef.UnwrapsOnArrival(["remote", "a"]));
            Assert.False(ContextRemoteActorRef.UnwrapsOnArrival(["temp", "a"]));
        }
        finally
        {
            await system.Terminate();
        }
    }
}
