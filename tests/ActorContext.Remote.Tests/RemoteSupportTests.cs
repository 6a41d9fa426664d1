using System.Reflection;
using ActorContext.Akka;
using ActorContext.Akka.Infrastructure;
using Akka.Actor;
using Akka.Configuration;

namespace ActorContext.Remote.Tests;

/// <summary>The engine takes Remote's providers, serializer and id from what ActorContext.Remote declares about itself.</summary>
public sealed class RemoteSupportTests
{
    private static readonly RemoteSupportAttribute Declared =
        Assembly.Load("ActorContext.Remote").GetCustomAttribute<RemoteSupportAttribute>()
        ?? throw new InvalidOperationException("ActorContext.Remote declares no RemoteSupportAttribute.");

    [Theory]
    [InlineData("remote", false)]
    [InlineData("cluster", true)]
    [InlineData("Akka.Remote.RemoteActorRefProvider, Akka.Remote", false)]
    [InlineData("Akka.Cluster.ClusterActorRefProvider, Akka.Cluster", true)]
    public void WithMessageContext_RemoteOrClusterProvider_SelectsTheProviderRemoteDeclares(string provider, bool cluster)
    {
        var config = ConfigurationFactory.ParseString($"akka.actor.provider = \"{provider}\"").WithMessageContext();

        var chosen = Type.GetType(config.GetString("akka.actor.provider"), throwOnError: true);

        Assert.Equal(cluster ? Declared.ClusterProvider : Declared.RemoteProvider, chosen);
    }

    [Fact]
    public void WithMessageContext_Twice_KeepsTheDeclaredProvider()
    {
        var once = ConfigurationFactory.ParseString("akka.actor.provider = cluster").WithMessageContext();

        var twice = once.WithMessageContext();

        Assert.Equal(Declared.ClusterProvider, Type.GetType(twice.GetString("akka.actor.provider"), throwOnError: true));
    }

    [Fact]
    public async Task RemoteSystem_WithMessageContext_RunsTheDeclaredProviderAndSerializerUnderTheDeclaredId()
    {
        var config = ConfigurationFactory.ParseString("""
            akka.loglevel = WARNING
            akka.actor.provider = remote
            akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
            """).WithMessageContext();
        using var system = ActorSystem.Create("remote-support", config);
        try
        {
            Assert.True(system.IsMessageContextEnabled());
            Assert.IsType(Declared.RemoteProvider, ((ExtendedActorSystem)system).Provider);

            // A frame too short to be a context frame: the declared serializer, found by the declared id, says so.
            var error = Assert.ThrowsAny<Exception>(() => system.Serialization.Deserialize([1, 2, 3], Declared.SerializerId, "C"));
            Assert.Contains("Context frame of 3 bytes", error.Message);

            // The id every node agrees on: a node of another version that changed it could not read this one's messages.
            Assert.Equal(5372, Declared.SerializerId);
        }
        finally
        {
            await system.Terminate().WaitAsync(TimeSpan.FromSeconds(10));
        }
    }
}
