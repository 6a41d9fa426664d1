using System.Buffers.Binary;
using System.Runtime.Serialization;
using System.Text;
using ActorContext.Akka.Infrastructure;
using ActorContext.Infrastructure;
using Akka.Actor;
using Akka.Event;
using Akka.Serialization;

namespace ActorContext.Remote;

/// <summary>
/// Serializes a message together with the context it carries, for Akka.Remote.
/// </summary>
/// <remarks>
/// <para>
/// Frame: <c>version:u8 contextLength:i32 context serializerId:i32 manifestLength:i32 manifest:utf8 message</c>.
/// The context part is ActorContext's closed wire format (<see cref="ContextWire"/>, encoded and decoded through
/// <see cref="ContextWireCache"/>); the message is
/// serialized by whatever serializer Akka binds to it, exactly as it would be without propagation.
/// </para>
/// <para>
/// A context that cannot be decoded (truncated, corrupted, hostile, over the size limit, or naming a var of
/// another type) does not fail the association: the message is delivered as a rejected message (<see cref="TransportSupport.Rejected"/>),
/// which the receiving actor sends to dead letters with the reason logged. A frame whose own lengths are wrong
/// cannot be split into message and context and fails deserialization, which Akka.Remote logs and drops.
/// </para>
/// </remarks>
internal sealed class ContextEnvelopeSerializer : SerializerWithStringManifest
{
    internal const int SerializerId = 5372;
    private const byte FrameVersion = 1;
    private const string EnvelopeManifest = "C";
    private const string NotInfluencingManifest = "N";

    public ContextEnvelopeSerializer(ExtendedActorSystem system)
        : base(system)
    {
    }

    public override int Identifier => SerializerId;

    public override string Manifest(object o) =>
        o is INotInfluenceReceiveTimeout ? NotInfluencingManifest : EnvelopeManifest;

    public override byte[] ToBinary(object obj)
    {
        if (!TransportSupport.TryOpen(obj, out var inner, out var snapshot))
        {
            throw new ArgumentException($"{nameof(ContextEnvelopeSerializer)} only serializes context envelopes, not {obj.GetType()}.", nameof(obj));
        }

        var context = ContextWireCache.Encode(snapshot);
        if (context.Length > DistributedContext.MaxEncodedBytes)
        {
            context = EncodeWithoutTrace(snapshot, context.Length);
        }

        var serializer = system.Serialization.FindSerializerFor(inner);
        var manifest = s_manifests.Encode(Serialization.ManifestFor(serializer, inner));
        var payload = serializer.ToBinary(inner);

        var frame = new byte[1 + 4 + context.Length + 4 + 4 + manifest.Length + payload.Length];
        var span = frame.AsSpan();
        span[0] = FrameVersion;
        BinaryPrimitives.WriteInt32LittleEndian(span[1..], context.Length);
        context.CopyTo(span[5..]);
        var position = 5 + context.Length;
        BinaryPrimitives.WriteInt32LittleEndian(span[position..], serializer.Identifier);
        BinaryPrimitives.WriteInt32LittleEndian(span[(position + 4)..], manifest.Length);
        manifest.CopyTo(span[(position + 8)..]);
        payload.CopyTo(span[(position + 8 + manifest.Length)..]);
        return frame;
    }

    /// <summary>
    /// A context over the limit because of its trace (sets of the user's vars are checked against the limit, but a
    /// trace's baggage is set on the Activity, outside this library): the message goes without the trace, and the
    /// lost trace is logged. Losing a trace is better than losing the message; nothing is truncated.
    /// </summary>
    private byte[] EncodeWithoutTrace(ContextSnapshot snapshot, int encodedBytes)
    {
        var limit = DistributedContext.MaxEncodedBytes;
        if (!ContextWire.HasTrace(snapshot))
        {
            // Cannot happen through the public API (every set is checked); Akka.Remote logs this and drops the message.
            throw ContextWire.TooLarge(encodedBytes, limit, hasTrace: false);
        }

        var untraced = ContextWire.EncodeWithoutTrace(snapshot);
        if (untraced.Length > limit)
        {
            throw ContextWire.TooLarge(encodedBytes, limit, hasTrace: true);
        }

        var now = Environment.TickCount64;
        var last = Interlocked.Read(ref s_lastTraceWarning);
        if (now - last >= 10_000 && Interlocked.CompareExchange(ref s_lastTraceWarning, now, last) == last)
        {
            system.Log.Warning(
                "A message to another node was sent without its trace: with it, its context is {0} bytes, over the limit of {1} bytes " +
                "(DistributedContext.MaxEncodedBytes). Trim the baggage and trace state of the Activity it was sent under, or raise the " +
                "limit on every node. (Logged at most every 10 s.)",
                encodedBytes,
                limit);
        }

        return untraced;
    }

    private static long s_lastTraceWarning = -10_000;

    private static readonly ManifestCache s_manifests = new();

    /// <summary>
    /// The UTF-8 bytes of the inner messages' manifests, both ways: a message type's manifest is the same string on
    /// every message, so encoding it into a new array and decoding it into a new string for each message is waste.
    /// </summary>
    /// <remarks>
    /// A small direct-mapped table of immutable (text, bytes) pairs, compared in full on every hit; a miss encodes or
    /// decodes as before and replaces the slot. Racing writers store equal pairs. The cached arrays are only read.
    /// </remarks>
    private sealed class ManifestCache
    {
        private const int Size = 32;
        private readonly Entry?[] _entries = new Entry?[Size];

        public byte[] Encode(string manifest)
        {
            var slot = Slot(manifest.Length, manifest.Length == 0 ? 0 : manifest[^1]);
            var entry = _entries[slot];
            if (entry is not null && string.Equals(entry.Text, manifest, StringComparison.Ordinal))
            {
                return entry.Bytes;
            }

            var bytes = Encoding.UTF8.GetBytes(manifest);

            // A manifest that is not valid UTF-16 (a lone surrogate) encodes to replacement characters: cached, its text
            // would answer frames that genuinely carry those characters. It is encoded every time instead.
            if (!string.Equals(Encoding.UTF8.GetString(bytes), manifest, StringComparison.Ordinal))
            {
                return bytes;
            }

            entry = new Entry(manifest, bytes);
            Volatile.Write(ref _entries[slot], entry);
            return entry.Bytes;
        }

        public string Decode(ReadOnlySpan<byte> bytes)
        {
            // Slots are chosen by length and last character, which are the same for an ASCII manifest's text and bytes;
            // a non-ASCII one may sit in two slots, which costs a miss, never a wrong answer.
            var slot = Slot(bytes.Length, bytes.Length == 0 ? 0 : bytes[^1]);
            var entry = _entries[slot];
            if (entry is not null && bytes.SequenceEqual(entry.Bytes))
            {
                return entry.Text;
            }

            // The bytes kept are the text's own encoding: for malformed input (decoded with replacement characters)
            // they differ from what came in, so the next such frame misses instead of an encode reusing bad bytes.
            var text = Encoding.UTF8.GetString(bytes);
            entry = new Entry(text, Encoding.UTF8.GetBytes(text));
            Volatile.Write(ref _entries[slot], entry);
            return entry.Text;
        }

        private static int Slot(int length, int last) => (length * 7 + last) & (Size - 1);

        private sealed class Entry(string text, byte[] bytes)
        {
            public readonly string Text = text;
            public readonly byte[] Bytes = bytes;
        }
    }

    public override object FromBinary(byte[] bytes, string manifest)
    {
        var span = bytes.AsSpan();
        if (span.Length < 13 || span[0] != FrameVersion)
        {
            throw new SerializationException($"Context frame of {span.Length} bytes has no valid header (version {(span.Length > 0 ? span[0] : -1)}).");
        }

        var contextLength = BinaryPrimitives.ReadInt32LittleEndian(span[1..]);
        if (contextLength < 0 || contextLength > span.Length - 13)
        {
            throw new SerializationException($"Context frame claims a context of {contextLength} bytes in a frame of {span.Length}.");
        }

        var contextBytes = span.Slice(5, contextLength);
        var position = 5 + contextLength;
        var serializerId = BinaryPrimitives.ReadInt32LittleEndian(span[position..]);
        var manifestLength = BinaryPrimitives.ReadInt32LittleEndian(span[(position + 4)..]);
        if (manifestLength < 0 || manifestLength > span.Length - position - 8)
        {
            throw new SerializationException($"Context frame claims a manifest of {manifestLength} bytes with {span.Length - position - 8} left.");
        }

        var innerManifest = s_manifests.Decode(span.Slice(position + 8, manifestLength));
        var payload = span[(position + 8 + manifestLength)..].ToArray();
        var message = system.Serialization.Deserialize(payload, serializerId, innerManifest);

        ContextSnapshot? context;
        try
        {
            context = ContextWireCache.Decode(contextBytes, DistributedContext.MaxEncodedBytes);
        }
        catch (ContextFormatException ex)
        {
            return TransportSupport.Rejected(message, ex.Message);
        }

        return context is null ? message : TransportSupport.Envelope(message, context);
    }
}
