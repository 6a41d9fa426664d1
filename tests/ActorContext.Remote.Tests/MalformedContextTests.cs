using ActorContext.Akka.Internal;
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
        var serializer = node.Serialization.FindSerializerForType(typeof(ContextEnvelope));
        var frame = Frame(serializer, new Probe("corrupted"));
        var (sink, deliveries) = NewSink(1);
        var (events, eventDeliveries) = NewSink(1);
        node.EventStream.Subscribe(events, typeof(DeadLetter));
        node.EventStream.Subscribe(events, typeof(Warning));
        try
        {
            // The context's version byte: anything but 1 is malformed.
            frame[ContextOffset] = 0xEE;
            var decoded = serializer.FromBinary(frame, typeof(ContextEnvelope));
            var rejected = Assert.IsType<RejectedContextMessage>(decoded);
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
            Assert.DoesNotContain(deliveries.Drain(), static d => d.Message is Probe { Tag: "corrupted" } || d.Message is RejectedContextMessage);
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
        var serializer = Cluster.Nodes[1].Serialization.FindSerializerForType(typeof(ContextEnvelope));
        object[] messages = [new Probe("p1"), "text", new OtherProbe(3), new Probe("p2"), "more text", new OtherProbe(4), new Probe("p3")];

        foreach (var message in messages)
        {
            var envelope = new MessageContext().Run(() =>
            {
                Vars.RequestId.Set("r-" + message);
                return MessageWithContext.Wrap(message, ActorRefs.NoSender);
            });

            var decoded = Assert.IsAssignableFrom<ContextEnvelope>(serializer.FromBinary(serializer.ToBinary(envelope), typeof(ContextEnvelope)));

            Assert.Equal(message, decoded.Message);
            Assert.Equal(message.GetType(), decoded.Message.GetType());
            string? requestId = null;
            ScheduledContext.RunIn(decoded.Context, () => requestId = Vars.RequestId.Get());
            Assert.Equal("r-" + message, requestId);
        }
    }

    [Fact]
    public void FrameWithAMalformedUtf8Manifest_FailsDeserializationEveryTime_AndLaterFramesStillDecode()
    {
        // A string goes through Akka.Remote's primitive serializer, which names its types with string manifests.
        var serializer = Cluster.Nodes[1].Serialization.FindSerializerForType(typeof(ContextEnvelope));
        var envelope = new MessageContext().Run(() =>
        {
            Vars.RequestId.Set("r-manifest");
            return MessageWithContext.Wrap("a string message", ActorRefs.NoSender);
        });
        var frame = serializer.ToBinary(envelope);
        var contextLength = BitConverter.ToInt32(frame, 1);
        var manifestLength = BitConverter.ToInt32(frame, ContextOffset + contextLength + 4);
        Assert.True(manifestLength > 0, "the string is serialized with a manifest");
        var malformed = (byte[])frame.Clone();
        malformed[ContextOffset + contextLength + 8 + manifestLength - 1] = 0xFF; // never valid in UTF-8

        Assert.ThrowsAny<Exception>(() => serializer.FromBinary(malformed, typeof(ContextEnvelope)));
        Assert.ThrowsAny<Exception>(() => serializer.FromBinary(malformed, typeof(ContextEnvelope)));

        var decoded = Assert.IsAssignableFrom<ContextEnvelope>(serializer.FromBinary(frame, typeof(ContextEnvelope)));
        Assert.Equal("a string message", decoded.Message);
    }

    [Fact]
    public void FrameWithImpossibleLengths_FailsDeserialization()
    {
        var serializer = Cluster.Nodes[1].Serialization.FindSerializerForType(typeof(ContextEnvelope));
        var frame = Frame(serializer, new Probe("lengths"));
        BitConverter.TryWriteBytes(frame.AsSpan(1, 4), int.MaxValue);

        Assert.Throws<System.Runtime.Serialization.SerializationException>(() => serializer.FromBinary(frame, typeof(ContextEnvelope)));
    }

    [Fact]
    public async Task CorruptedContext_SentOverTheWire_IsDeadLetteredOnTheReceivingNode_AndLaterMessagesFlow()
    {
        var receiver = Cluster.Nodes[0];
        var serializer = receiver.Serialization.FindSerializerForType(typeof(ContextEnvelope));
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
            Assert.DoesNotContain(deliveries.Drain(), static d => d.Message is Probe { Tag: "forged" } || d.Message is RejectedContextMessage);
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
            return MessageWithContext.Wrap(probe, ActorRefs.NoSender);
        });
        Assert.IsAssignableFrom<ContextEnvelope>(envelope);
        var frame = serializer.ToBinary(envelope);
        Assert.True(BitConverter.ToInt32(frame, 1) > 0, "the frame carries a context");
        Assert.Equal(ContextWireFormatVersion, frame[ContextOffset]);
        return frame;
    }

    private const byte ContextWireFormatVersion = 1;

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
