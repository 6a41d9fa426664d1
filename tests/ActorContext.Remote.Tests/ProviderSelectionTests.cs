using ActorContext.Akka;
using Akka.Cluster.Sharding;
using Akka.Cluster.Tools.Singleton;
using Akka.Configuration;

namespace ActorContext.Remote.Tests;

/// <summary>
/// WithMessageContext picks this package's providers for Akka's remote and cluster ones; canaries for the Akka names
/// and namespaces that choice and the remembered contexts of sharding and singletons rely on.
/// </summary>
public class ProviderSelectionTests
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

    [Theory]
    [InlineData("Akka.Remote.RemoteActorRefProvider, Akka.Remote")]
    [InlineData("Akka.Cluster.ClusterActorRefProvider, Akka.Cluster")]
    public void AkkaProviderNamedByWithMessageContext_Exists(string assemblyQualifiedName) =>
        Assert.NotNull(Type.GetType(assemblyQualifiedName, throwOnError: false));

    [Fact]
    public void ShardingAndSingletonActors_AreInTheNamespacesWhoseContextsAreRemembered()
    {
        // RememberedContexts recognizes the actors that hold messages for later by these namespaces.
        Assert.StartsWith("Akka.Cluster.Sharding", typeof(ShardRegion).Namespace, StringComparison.Ordinal);
        Assert.StartsWith("Akka.Cluster.Tools.Singleton", typeof(ClusterSingletonManager).Namespace, StringComparison.Ordinal);
    }
}
