using ActorContext.Remote.Tests.Support;
using Akka.Actor;
using Akka.Configuration;
using Akka.Event;

namespace ActorContext.Remote.Tests;

/// <summary>What happens when a propagating node talks to a node that does not run the library.</summary>
[Collection(ClusterCollection.Name)]
public sealed class PeerWithoutLibraryTests(ClusterFixture cluster) : ClusterTest(cluster)
{
    [Fact]
    public async Task PlainRemoteNode_DropsMessagesThatCarryAContext_LogsTheUnknownSerializer_AndTakesPlainMessages()
    {
        // No WithMessageContext(): Akka's own remote provider, no context serializer (id 5372).
        using var plain = ActorSystem.Create("plain", ConfigurationFactory.ParseString("""
            akka.loglevel = WARNING
            akka.actor.provider = remote
            akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
            """));
        var plainAddress = ((ExtendedActorSystem)plain).Provider.DefaultAddress;
        var logs = new Deliveries();
        var logSink = plain.ActorOf(Props.Create(() => new Sink(logs.Writer)), "logs");
        plain.EventStream.Subscribe(logSink, typeof(Warning));
        plain.EventStream.Subscribe(logSink, typeof(Error));
        plain.ActorOf(Props.Create<Reporter>(), "reporter");
        try
        {
            // Identify is never wrapped, so resolving works.
            var target = await Cluster.Nodes[0].ActorSelection(new RootActorPath(plainAddress) / "user" / "reporter").ResolveOne(Timeout);

            var before = await target.Ask<Report>(new Probe("no-context-before"), Timeout);
            await Assert.ThrowsAsync<AskTimeoutException>(() =>
                Vars.InContext("r-to-plain", () => target.Ask<Report>(new Probe("with-context"), TimeSpan.FromSeconds(3))));
            await logs.WaitUntilAsync(static seen => seen.Any(IsMissingSerializer), Timeout, "a log event naming serializer 5372 on the plain node");
            var after = await target.Ask<Report>(new Probe("no-context-after"), Timeout);

            // The other way round nothing is wrapped: the plain node's messages reach propagating actors as they are.
            var fromPlain = await plain.ActorSelection(new RootActorPath(Cluster.Addresses[0]) / "user" / "reporter").Ask<Report>(new Probe("from-plain"), Timeout);
            Assert.Equal(NodeName(0), fromPlain.Node);
            Assert.Equal(new MessageContext().Run(Vars.Reading), fromPlain.Reading);

            Assert.Equal(plainAddress.ToString(), before.Node);
            Assert.Equal(plainAddress.ToString(), after.Node);

            // Akka.Remote 1.5 logs it as a warning ("Transient association error (association remains live)"), not an error.
            var logged = (LogEvent)logs.Seen.First(IsMissingSerializer).Message;
            Assert.IsType<Warning>(logged);
            Assert.StartsWith("Deserialization failed for message with serializer id [5372] and manifest [C].", logged.Message.ToString());
            Assert.Contains("association remains live", logged.Message.ToString());
            Assert.Contains("endpointReader", logged.LogSource);
            Assert.DoesNotContain(logs.Seen, static d => d.Message is Error && IsMissingSerializer(d));
        }
        finally
        {
            await plain.Terminate().WaitAsync(Timeout);
        }
    }

    private static bool IsMissingSerializer(Delivered d) =>
        d.Message is LogEvent e && e.Message?.ToString()?.Contains("serializer id [5372]", StringComparison.Ordinal) == true;
}
