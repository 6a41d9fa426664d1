using ActorContext.Akka.Infrastructure;
using ActorContext.Infrastructure;
using ActorContext.Remote.Tests.Support;
using Akka.Actor;
using Akka.Configuration;
using Akka.Event;
using Akka.Serialization;

namespace ActorContext.Remote.Tests;

/// <summary>
/// A message whose context cannot be decoded goes to dead letters (with a warning) instead of running user code
/// without the context its sender meant it to have; the receiver keeps working.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class MalformedContextTests(ClusterFixture cluster) : ClusterTest(cluster)
{
    /// <summary>Offset of the context payload in a frame: version:u8 contextLength:i32.</summary>
    private const int ContextOffset = 5;

    [Fact]
    public async Task CorruptedContext_DecodedAsIfFromTheWire_IsDeadLetteredWithAWarning_AndTheActorKeepsWorking()
    {
        var node = Cluster.Nodes[1];
        var serializer = node.Serialization.FindSerializerForType(EnvelopeType);
        var frame = Frame(serializer, new Probe("corrupted"));
        var (sink, deliveries) = NewSink(1);
        var (events, eventDeliveries) = NewSink(1);
        node.EventStream.Subscribe(events, typeof(DeadLetter));
        node.EventStream.Subscribe(events, typeof(Warning));
        try
        {
            // The context's version byte: anything but 1 is malformed.
            frame[ContextOffset] = 0xEE;
            var decoded = serializer.FromBinary(frame, EnvelopeType);
            Assert.True(IsRejected(decoded), $"decoded as {decoded.GetType()}: {decoded}");
            var rejected = (IWrappedMessage)decoded;
            Assert.Equal(new Probe("corrupted"), rejected.Message);

            sink.Tell(rejected, ActorRefs.NoSender);
            new MessageContext().Run(() =>
            {
                Vars.RequestId.Set("r-after-corrupted");
                sink.Tell(new Probe("after"), ActorRefs.NoSender);
            });

            await AssertDeadLetteredAsync(eventDeliveries, sink, "corrupted");
            var after = await deliveries.WaitForAsync(static d => d.Message is Probe, Timeout, "the next message");
            Assert.Equal(new Probe("after"), after.Message);
            Assert.StartsWith("rid=r-after-corrupted|", after.Reading);
            Assert.DoesNotContain(deliveries.Drain(), static d => d.Message is Probe { Tag: "corrupted" } || IsRejected(d.Message));
        }
        finally
        {
            node.EventStream.Unsubscribe(events);
        }
    }

    [Fact]
    public void Frames_OfAlternatingMessageTypes_EachDecodeToTheirOwnMessageAndManifest()
    {
        // The serializer keeps the manifests it encoded and decoded: a cached one must never answer for another type.
        var serializer = Cluster.Nodes[1].Serialization.FindSerializerForType(EnvelopeType);
        object[] messages = [new Probe("p1"), "text", new OtherProbe(3), new Probe("p2"), "more text", new OtherProbe(4), new Probe("p3")];

        foreach (var message in messages)
        {
            var envelope = new MessageContext().Run(() =>
            {
                Vars.RequestId.Set("r-" + message);
                return TransportSupport.Wrap(message, ActorRefs.NoSender);
            });

            Assert.True(TransportSupport.TryOpen(serializer.FromBinary(serializer.ToBinary(envelope), EnvelopeType), out var decoded, out var context));

            Assert.Equal(message, decoded);
            Assert.Equal(message.GetType(), decoded.GetType());
            Assert.Equal("r-" + message, ReadIn(context, static () => Vars.RequestId.Get()));
        }
    }

    [Fact]
    public void FrameWithAMalformedUtf8Manifest_FailsDeserializationEveryTime_AndLaterFramesStillDecode()
    {
        // A string goes through Akka.Remote's primitive serializer, which names its types with string manifests.
        var serializer = Cluster.Nodes[1].Serialization.FindSerializerForType(EnvelopeType);
        var envelope = new MessageContext().Run(() =>
        {
            Vars.RequestId.Set("r-manifest");
            return TransportSupport.Wrap("a string message", ActorRefs.NoSender);
        });
        var frame = serializer.ToBinary(envelope);
        var contextLength = BitConverter.ToInt32(frame, 1);
        var manifestLength = BitConverter.ToInt32(frame, ContextOffset + contextLength + 4);
        Assert.True(manifestLength > 0, "the string is serialized with a manifest");
        var malformed = (byte[])frame.Clone();
        malformed[ContextOffset + contextLength + 8 + manifestLength - 1] = 0xFF; // never valid in UTF-8

        Assert.ThrowsAny<Exception>(() => serializer.FromBinary(malformed, EnvelopeType));
        Assert.ThrowsAny<Exception>(() => serializer.FromBinary(malformed, EnvelopeType));

        Assert.True(TransportSupport.TryOpen(serializer.FromBinary(frame, EnvelopeType), out var decoded, out _));
        Assert.Equal("a string message", decoded);
    }

    [Fact]
    public void FrameWithImpossibleLengths_FailsDeserialization()
    {
        var serializer = Cluster.Nodes[1].Serialization.FindSerializerForType(EnvelopeType);
        var frame = Frame(serializer, new Probe("lengths"));
        BitConverter.TryWriteBytes(frame.AsSpan(1, 4), int.MaxValue);

        Assert.Throws<System.Runtime.Serialization.SerializationException>(() => serializer.FromBinary(frame, EnvelopeType));
    }

    [Fact]
    public async Task CorruptedContext_SentOverTheWire_IsDeadLetteredOnTheReceivingNode_AndLaterMessagesFlow()
    {
        var receiver = Cluster.Nodes[0];
        var serializer = receiver.Serialization.FindSerializerForType(EnvelopeType);
        var frame = Frame(serializer, new Probe("forged"));
        frame[ContextOffset] = 0xEE;
        var (sink, deliveries) = NewSink(0);
        var (events, eventDeliveries) = NewSink(0);
        receiver.EventStream.Subscribe(events, typeof(DeadLetter));
        receiver.EventStream.Subscribe(events, typeof(Warning));

        // A node that sends these bytes under the context serializer's id, as a buggy or hostile peer could.
        using var forger = ActorSystem.Create("forger", ConfigurationFactory.ParseString($$"""
            akka.loglevel = WARNING
            akka.actor.provider = remote
            akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
            akka.actor.serializers.forged = "{{typeof(ForgedFrameSerializer).AssemblyQualifiedName}}"
            akka.actor.serialization-bindings { "{{typeof(ForgedFrame).AssemblyQualifiedName}}" = forged }
            """));
        try
        {
            var target = await forger.ActorSelection(sink.Path.ToStringWithAddress(Cluster.Addresses[0])).ResolveOne(Timeout);
            target.Tell(new ForgedFrame(frame));
            target.Tell(new Probe("after-forged"));

            await AssertDeadLetteredAsync(eventDeliveries, sink, "forged");
            var after = await deliveries.WaitForAsync(static d => d.Message is Probe, Timeout, "the next message over the same association");
            Assert.Equal(new Probe("after-forged"), after.Message);
            Assert.DoesNotContain(deliveries.Drain(), static d => d.Message is Probe { Tag: "forged" } || IsRejected(d.Message));
        }
        finally
        {
            receiver.EventStream.Unsubscribe(events);
            await forger.Terminate().WaitAsync(Timeout);
        }
    }

    /// <summary>A real frame, as the sending node's serializer makes it, for a message sent with a context.</summary>
    private static byte[] Frame(Serializer serializer, Probe probe)
    {
        var envelope = new MessageContext().Run(() =>
        {
            Vars.RequestId.Set("r-malformed");
            Vars.Number.Set(7);
            return TransportSupport.Wrap(probe, ActorRefs.NoSender);
        });
        Assert.True(TransportSupport.IsEnvelope(envelope));
        var frame = serializer.ToBinary(envelope);
        Assert.True(BitConverter.ToInt32(frame, 1) > 0, "the frame carries a context");
        Assert.Equal(ContextWireFormatVersion, frame[ContextOffset]);
        return frame;
    }

    private const byte ContextWireFormatVersion = 1;

    /// <summary>The type of the engine's message-with-context, which the context serializer is bound to.</summary>
    private static readonly Type EnvelopeType = new MessageContext().Run(() =>
    {
        Vars.RequestId.Set("r-envelope-type");
        return TransportSupport.Wrap(new Probe("type"), ActorRefs.NoSender);
    }).GetType();

    /// <summary>Whether <paramref name="message"/> is what the serializer makes of a frame whose context it rejected.</summary>
    private static bool IsRejected(object message) =>
        message is IWrappedMessage && !TransportSupport.IsEnvelope(message) && message.ToString()!.Contains("(context rejected:", StringComparison.Ordinal);

    /// <summary>What <paramref name="read"/> returns with <paramref name="context"/> current.</summary>
    private static T ReadIn<T>(ContextSnapshot context, Func<T> read)
    {
        var previous = ContextSnapshots.Current;
        ContextSnapshots.Restore(context);
        try
        {
            return read();
        }
        finally
        {
            ContextSnapshots.Restore(previous);
        }
    }

    private static async Task AssertDeadLetteredAsync(Deliveries events, IActorRef recipient, string tag)
    {
        bool IsDead(Delivered d) => d.Message is DeadLetter { Message: Probe p } && p.Tag == tag;
        static bool IsWarning(Delivered d) =>
            d.Message is Warning w && w.Message?.ToString()?.Contains("could not be decoded", StringComparison.Ordinal) == true;

        await events.WaitUntilAsync(seen => seen.Any(IsDead) && seen.Any(IsWarning), Timeout, $"a dead letter of Probe({tag}) and a warning");
        Assert.Equal(recipient, ((DeadLetter)events.Seen.First(IsDead).Message).Recipient);
        Assert.Contains("Probe", events.Seen.First(IsWarning).Message.ToString());
    }
}

/// <summary>Bytes a test sends as if they were a context frame.</summary>
public sealed record ForgedFrame(byte[] Bytes);

/// <summary>A second message type, so frames of two types alternate.</summary>
public sealed record OtherProbe(int Number);

/// <summary>
/// Writes <see cref="ForgedFrame"/>s under the context serializer's id and manifest, so the receiving node decodes
/// them with its real context serializer.
/// </summary>
public sealed class ForgedFrameSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    public override int Identifier => 5372;

    public override string Manifest(object o) => "C";

    public override byte[] ToBinary(object obj) => ((ForgedFrame)obj).Bytes;

    public override object FromBinary(byte[] bytes, string manifest) => throw new NotSupportedException();
}
