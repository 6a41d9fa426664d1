using System.Text;

namespace ActorContext;

/// <summary>
/// The closed, versioned binary format in which the distributed entries of a context cross nodes.
/// </summary>
/// <remarks>
/// <para>
/// Layout (version 1): <c>version:u8 count:varint entry*</c>; an entry is
/// <c>kind:u8 (0 var, 1 RequestContext key) nameLength:varint name:utf8 tag:u8 payload</c>. Tag 0 is null (no
/// payload), tag 18 a codec's output (<c>length:varint bytes</c>); every other tag is a value kind of
/// <see cref="WireValueKind"/>'s table, which holds each kind's type, size, writer and reader: fixed-size little-endian
/// for numbers, Guid, DateTime (ToBinary), DateTimeOffset (ticks + offset minutes) and TimeSpan;
/// <c>length:varint bytes</c> for strings and byte arrays. Everything is written by <see cref="WireWriter"/> and read by
/// <see cref="WireReader"/>, as are the library's own entries (the trace, the deadline).
/// </para>
/// <para>
/// This type encodes and decodes every time; the caches a transport needs (a snapshot sent many times, the same bytes
/// received many times) belong to the transport (ActorContext.Remote's <c>ContextWireCache</c>). The size accounting
/// (<see cref="EntrySize"/>, <see cref="TotalSize"/>) lets a set be refused before it happens.
/// </para>
/// <para>
/// There are no type names and nothing polymorphic: a tag selects one of a fixed set of value types, and a var is
/// found by its name among the distributed vars declared in this process. Every length is checked against the bytes
/// that remain before anything is allocated, the entry count is bounded by the payload size, and the whole payload
/// is bounded by the size limit, so a hostile payload costs at most that much. Whatever is wrong, the decoder throws
/// <see cref="ContextFormatException"/> and nothing else. Entries for vars this process does not declare are kept
/// (by name) and sent on unchanged, so a node running older code loses nothing it forwards.
/// </para>
/// </remarks>
internal static class ContextWireFormat
{
    internal const byte Version = 1;
    internal const int MaxNameBytes = 256;

    private const byte KindVar = 0;
    private const byte KindRequestKey = 1;
    private const int MinEntryBytes = 4;

    // The format's own tags; every other tag is a value kind's (see WireValueKind).
    private const byte NullTag = 0;
    private const byte CodecTag = 18;

    /// <summary>Whether values of <paramref name="type"/> (or its nullable form) cross nodes without a codec.</summary>
    internal static bool IsWireSafe(Type type) => WireValueKind.For(Nullable.GetUnderlyingType(type) ?? type) is not null;

    /// <summary>The encoded size of one entry; 0 for a process-local var.</summary>
    internal static int EntrySize(IContextVar key, object? value)
    {
        if (key.Scope != ContextScope.Distributed)
        {
            return 0;
        }

        var nameBytes = Encoding.UTF8.GetByteCount(key.Name);
        return 1 + WireWriter.VarintSize(nameBytes) + nameBytes + 1 + PayloadSize(key, value);
    }

    /// <summary>The encoded size of a whole context with <paramref name="count"/> entries of <paramref name="entryBytes"/> in all.</summary>
    internal static int TotalSize(int count, int entryBytes) => count == 0 ? 0 : 1 + WireWriter.VarintSize(count) + entryBytes;

    /// <summary>Encodes the distributed entries of <paramref name="snapshot"/>; empty when it has none.</summary>
    /// <remarks>Encodes every time: a transport that sends a snapshot more than once keeps the bytes itself.</remarks>
    internal static byte[] Encode(ContextSnapshot? snapshot)
    {
        if (snapshot is null || snapshot.WireCount == 0)
        {
            return Array.Empty<byte>();
        }

        var buffer = new byte[TotalSize(snapshot.WireCount, snapshot.WireBytes)];
        var writer = new WireWriter(buffer);
        writer.WriteByte(Version);
        writer.WriteVarint(snapshot.WireCount);
        foreach (var (key, value) in snapshot.Entries())
        {
            if (key.Scope != ContextScope.Distributed)
            {
                continue;
            }

            writer.WriteByte(key is RequestContext.RequestContextKey ? KindRequestKey : KindVar);
            writer.WriteString(key.Name);
            WritePayload(ref writer, key, value);
        }

        return writer.Position == buffer.Length
            ? buffer
            : throw new InvalidOperationException($"Context encoding wrote {writer.Position} bytes, expected {buffer.Length}: a codec's output changed between sizing and encoding.");
    }

    /// <summary>Decodes a payload produced by <see cref="Encode"/>, possibly on another node, possibly hostile.</summary>
    /// <exception cref="ContextFormatException">The payload is malformed, too large, or does not match the vars declared here.</exception>
    internal static ContextSnapshot? Decode(ReadOnlySpan<byte> payload, int maxBytes)
    {
        if (payload.Length == 0)
        {
            return null;
        }

        if (payload.Length > maxBytes)
        {
            throw new ContextFormatException($"Context payload is {payload.Length} bytes, over the limit of {maxBytes} bytes.");
        }

        if (payload[0] != Version)
        {
            throw new ContextFormatException($"Context payload has format version {payload[0]}; this node reads version {Version}.");
        }

        var reader = new WireReader(payload, 1);
        var count = reader.ReadVarint("entry count");
        if (count == 0 || count > reader.Remaining / MinEntryBytes)
        {
            throw new ContextFormatException($"Context payload claims {count} entries, impossible in the {reader.Remaining} bytes that follow.");
        }

        var snapshot = ContextSnapshot.Empty;
        var names = new HashSet<(byte, string)>();
        for (var i = 0; i < count; i++)
        {
            var kind = reader.ReadByte("entry kind");
            if (kind is not (KindVar or KindRequestKey))
            {
                throw new ContextFormatException($"Entry {i} has unknown kind {kind}.");
            }

            var nameLength = reader.ReadVarint("name length");
            if (nameLength is 0 or > MaxNameBytes)
            {
                throw new ContextFormatException($"Entry {i} has a name of {nameLength} bytes; names are 1 to {MaxNameBytes} bytes.");
            }

            var name = reader.ReadUtf8(nameLength, "name");
            if (!names.Add((kind, name)))
            {
                throw new ContextFormatException($"Entry '{name}' appears twice.");
            }

            var (key, value) = kind == KindRequestKey
                ? (new RequestContext.RequestContextKey(name), ReadWireSafe(ref reader, name, allowCodec: false))
                : ReadVarEntry(ref reader, name);
            snapshot = snapshot.With(key, value);
        }

        if (reader.Remaining != 0)
        {
            throw new ContextFormatException($"Context payload has {reader.Remaining} bytes after its last entry.");
        }

        return snapshot;
    }

    private static (IContextVar Key, object? Value) ReadVarEntry(ref WireReader reader, string name)
    {
        var local = DistributedVars.Find(name);
        if (local is null)
        {
            // Not declared here: keep it, by name, so it reaches nodes that do declare it.
            var start = reader.Position;
            var value = ReadWireSafe(ref reader, name, allowCodec: true);
            return (new ForwardedVar(name), new ForwardedValue(value, reader.Slice(start)));
        }

        if (local is IWireVar { HasCodec: true } codecVar)
        {
            var tag = reader.ReadByte("value tag");
            if (tag == NullTag)
            {
                // This library never sends a trace entry without a trace.
                return ReferenceEquals(local, TraceCarrier.Var)
                    ? throw new ContextFormatException($"Entry '{name}' holds no trace.")
                    : (local, null);
            }

            if (tag != CodecTag)
            {
                throw new ContextFormatException($"Var '{name}' has a codec here, but the payload holds a {TagName(tag)} value.");
            }

            var bytes = reader.ReadLengthPrefixed("codec length", "codec value");
            try
            {
                return (local, codecVar.DecodeValue(bytes));
            }
            catch (Exception ex)
            {
                throw new ContextFormatException($"The codec of var '{name}' could not decode its value: {ex.Message}", ex);
            }
        }

        var decoded = ReadWireSafe(ref reader, name, allowCodec: false);
        var expected = Nullable.GetUnderlyingType(local.ValueType) ?? local.ValueType;
        if (decoded is null
            ? local.ValueType.IsValueType && Nullable.GetUnderlyingType(local.ValueType) is null
            : decoded.GetType() != expected)
        {
            throw new ContextFormatException(
                $"Var '{name}' holds {local.ValueType.Name} here, but the payload holds {(decoded is null ? "null" : decoded.GetType().Name)}.");
        }

        return (local, decoded);
    }

    private static object? ReadWireSafe(ref WireReader reader, string name, bool allowCodec)
    {
        var tag = reader.ReadByte("value tag");
        if (tag == NullTag)
        {
            return null;
        }

        if (tag == CodecTag && allowCodec)
        {
            return reader.ReadLengthPrefixed("codec length", "codec value").ToArray();
        }

        var kind = WireValueKind.ForTag(tag) ?? throw new ContextFormatException($"Var '{name}' has unknown value tag {tag}.");
        try
        {
            return kind.Read(ref reader, name);
        }
        catch (ArgumentException ex)
        {
            // Out-of-range DateTime, offset or decimal bits.
            throw new ContextFormatException($"Var '{name}' has an invalid {kind.Name} value: {ex.Message}", ex);
        }
    }

    private static string TagName(byte tag) => tag switch
    {
        NullTag => "Null",
        CodecTag => "Codec",
        _ => WireValueKind.ForTag(tag)?.Name ?? tag.ToString(System.Globalization.CultureInfo.InvariantCulture),
    };

    private static int PayloadSize(IContextVar key, object? value) => value switch
    {
        null => 0,
        ForwardedValue forwarded => forwarded.Raw.Length - 1,
        _ when key is IWireVar { HasCodec: true } codecVar => WireWriter.LengthPrefixedSize(codecVar.EncodeValue(value).Length),
        _ => KindOf(key, value).PayloadSize(value),
    };

    private static WireValueKind KindOf(IContextVar key, object value) =>
        WireValueKind.For(value.GetType()) ?? throw new ArgumentException(
            $"'{key.Name}' holds a {value.GetType().Name}, which cannot cross nodes. Use a wire-safe type (string, bool, integers, double, " +
            "decimal, Guid, DateTime, DateTimeOffset, TimeSpan, byte[]), give the var an IContextCodec, or make it ContextScope.Process.");

    private static void WritePayload(ref WireWriter writer, IContextVar key, object? value)
    {
        if (value is ForwardedValue forwarded)
        {
            writer.WriteRaw(forwarded.Raw);
        }
        else if (value is null)
        {
            writer.WriteByte(NullTag);
        }
        else if (key is IWireVar { HasCodec: true } codecVar)
        {
            writer.WriteByte(CodecTag);
            writer.WriteLengthPrefixed(codecVar.EncodeValue(value));
        }
        else
        {
            var kind = KindOf(key, value);
            writer.WriteByte(kind.Tag);
            kind.Write(ref writer, value);
        }
    }

    /// <summary>A distributed var declared on another node but not here: carried by name, sent on unchanged.</summary>
    internal sealed class ForwardedVar(string name) : IContextVar
    {
        public string Name { get; } = name;

        public Type ValueType => typeof(object);

        public bool HasDefault => false;

        public ContextScope Scope => ContextScope.Distributed;

        // Made anew by every decode (nothing is interned), so equal by name: the same entry from two messages is one key.
        public override bool Equals(object? obj) => obj is ForwardedVar other && string.Equals(other.Name, Name, StringComparison.Ordinal);

        public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Name);

        public override string ToString() => $"forwarded '{Name}'";
    }

    /// <summary>A forwarded entry's value: decoded where the tag allows, and its exact encoded bytes.</summary>
    internal sealed record ForwardedValue(object? Value, byte[] Raw)
    {
        public override string ToString() => Value?.ToString() ?? string.Empty;
    }
}
