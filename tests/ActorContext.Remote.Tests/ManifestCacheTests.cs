using System.Runtime.Serialization;
using System.Text;
using ActorContext.Akka.Infrastructure;
using ActorContext.Remote.Tests.Support;
using ActorContext.Remote;
using Akka.Actor;
using Akka.Configuration;
using Akka.Serialization;

namespace ActorContext.Remote.Tests;

/// <summary>
/// The serializer's manifest cache answers a decode with the text of an entry whose bytes match. A manifest that is not
/// valid UTF-16 (lone surrogates) encodes to U+FFFD bytes, so caching it would answer a frame that genuinely carries
/// U+FFFD characters with another manifest: such manifests are not cached.
/// </summary>
public sealed class ManifestCacheTests
{
    [Fact]
    public async Task FrameWhoseManifestIsReplacementCharacters_DecodesToItsOwnType_AfterAManifestWithLoneSurrogatesWasEncoded()
    {
        using var system = ActorSystem.Create("manifest-cache", ConfigurationFactory.ParseString($$"""
            akka.loglevel = WARNING
            akka.actor.serializers.odd-manifests = "{{typeof(OddManifestSerializer).AssemblyQualifiedName}}"
            akka.actor.serialization-bindings { "{{typeof(IOddManifestMessage).AssemblyQualifiedName}}" = odd-manifests }
            """));
        try
        {
            var serializer = new ContextEnvelopeSerializer((ExtendedActorSystem)system);

            // A frame as a peer sends it for a type whose manifest is 16 U+FFFD and an 'x' (valid UTF-16).
            var replacementFrame = serializer.ToBinary(Envelope(new ReplacementCharNamed("from-peer")));
            Assert.IsType<ReplacementCharNamed>(Opened(serializer.FromBinary(replacementFrame, "C")));

            // This node then sends a message whose manifest has lone surrogates in the same places.
            serializer.ToBinary(Envelope(new LoneSurrogateNamed("local")));

            // The peer's frame again: same bytes as before.
            Assert.IsType<ReplacementCharNamed>(Opened(serializer.FromBinary(replacementFrame, "C")));
        }
        finally
        {
            await system.Terminate();
        }
    }

    private static object Envelope(object message)
    {
        var envelope = new MessageContext().Run(() =>
        {
            Vars.RequestId.Set("r-odd-manifest");
            return TransportSupport.Wrap(message, ActorRefs.NoSender);
        });
        Assert.True(TransportSupport.IsEnvelope(envelope));
        return envelope;
    }

    private static object Opened(object decoded)
    {
        Assert.True(TransportSupport.TryOpen(decoded, out var message, out _), $"not an envelope: {decoded}");
        return message;
    }
}

public interface IOddManifestMessage;

public sealed record LoneSurrogateNamed(string Tag) : IOddManifestMessage;

public sealed record ReplacementCharNamed(string Tag) : IOddManifestMessage;

/// <summary>Names one type with lone surrogates and the other with U+FFFD in the same places (same slot in the cache).</summary>
public sealed class OddManifestSerializer(ExtendedActorSystem system) : SerializerWithStringManifest(system)
{
    internal static readonly string LoneSurrogates = new string('\uD800', 16) + "x";
    internal static readonly string Replacements = new string('\uFFFD', 16) + "x";

    public override int Identifier => 9731;

    public override string Manifest(object o) => o is LoneSurrogateNamed ? LoneSurrogates : Replacements;

    public override byte[] ToBinary(object obj) => Encoding.UTF8.GetBytes(obj is LoneSurrogateNamed l ? l.Tag : ((ReplacementCharNamed)obj).Tag);

    public override object FromBinary(byte[] bytes, string manifest)
    {
        var tag = Encoding.UTF8.GetString(bytes);
        if (manifest == LoneSurrogates)
        {
            return new LoneSurrogateNamed(tag);
        }

        return manifest == Replacements ? new ReplacementCharNamed(tag) : throw new SerializationException($"Unknown manifest {manifest}");
    }
}
