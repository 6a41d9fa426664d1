using System.Buffers.Binary;
using System.Text;

namespace ActorContext;

/// <summary>
/// The closed, versioned binary format in which the distributed entries of a context cross nodes.
/// </summary>
/// <remarks>
/// <para>
/// Layout (version 1): <c>version:u8 count:varint entry*</c>; an entry is
/// <c>kind:u8 (0 var, 1 RequestContext key) nameLength:varint name:utf8 tag:u8 payload</c>. Payloads are
/// fixed-size little-endian for numbers, Guid, DateTime (ToBinary), DateTimeOffset (ticks + offset minutes) and
/// TimeSpan; <c>length:varint bytes</c> for strings, byte arrays and codec output.
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

    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private enum Tag : byte
    {
        Null = 0,
        String = 1,
        Boolean = 2,
        Byte = 3,
        SByte = 4,
        Int16 = 5,
        UInt16 = 6,
        Int32 = 7,
        UInt32 = 8,
        Int64 = 9,
        UInt64 = 10,
        Double = 11,
        Decimal = 12,
        Guid = 13,
        DateTime = 14,
        DateTimeOffset = 15,
        TimeSpan = 16,
        Bytes = 17,
        Codec = 18,
    }

    private static readonly Dictionary<Type, Tag> s_tags = new()
    {
        [typeof(string)] = Tag.String,
        [typeof(bool)] = Tag.Boolean,
        [typeof(byte)] = Tag.Byte,
        [typeof(sbyte)] = Tag.SByte,
        [typeof(short)] = Tag.Int16,
        [typeof(ushort)] = Tag.UInt16,
        [typeof(int)] = Tag.Int32,
        [typeof(uint)] = Tag.UInt32,
        [typeof(long)] = Tag.Int64,
        [typeof(ulong)] = Tag.UInt64,
        [typeof(double)] = Tag.Double,
        [typeof(decimal)] = Tag.Decimal,
        [typeof(Guid)] = Tag.Guid,
        [typeof(DateTime)] = Tag.DateTime,
        [typeof(DateTimeOffset)] = Tag.DateTimeOffset,
        [typeof(TimeSpan)] = Tag.TimeSpan,
        [typeof(byte[])] = Tag.Bytes,
    };

    /// <summary>Whether values of <paramref name="type"/> (or its nullable form) cross nodes without a codec.</summary>
    internal static bool IsWireSafe(Type type) => s_tags.ContainsKey(Nullable.GetUnderlyingType(type) ?? type);

    /// <summary>The encoded size of one entry; 0 for a process-local var.</summary>
    internal static int EntrySize(IContextVar key, object? value)
    {
        if (key.Scope != ContextScope.Distributed)
        {
            return 0;
        }

        var nameBytes = Encoding.UTF8.GetByteCount(key.Name);
        return 1 + VarintSize(nameBytes) + nameBytes + 1 + PayloadSize(key, value);
    }

    /// <summary>The encoded size of a whole context with <paramref name="count"/> entries of <paramref name="entryBytes"/> in all.</summary>
    internal static int TotalSize(int count, int entryBytes) => count == 0 ? 0 : 1 + VarintSize(count) + entryBytes;

    /// <summary>Encodes the distributed entries of <paramref name="snapshot"/>; empty when it has none.</summary>
    /// <remarks>
    /// A snapshot is immutable and shared by every message sent under it, so its encoding is computed once and kept
    /// on it. Callers must not modify the returned array.
    /// </remarks>
    internal static byte[] Encode(ContextSnapshot? snapshot)
    {
        if (snapshot is null || snapshot.WireCount == 0)
        {
            return Array.Empty<byte>();
        }

        return snapshot.EncodedWire ??= EncodeUncached(snapshot);
    }

    /// <summary>
    /// <see cref="Decode"/>, reusing the snapshot decoded last on this thread when the bytes are the same: a stream of
    /// messages from one request decodes once, and the receiver then enters one shared snapshot (whose cached
    /// ExecutionContext makes entering it free).
    /// </summary>
    internal static ContextSnapshot? DecodeShared(ReadOnlySpan<byte> payload, int maxBytes)
    {
        // Held weakly: the thread reuses the snapshot while messages carrying it are around, and keeps nothing after.
        var last = t_lastDecoded;
        if (last is not null && payload.Length <= maxBytes && last.TryGetTarget(out var kept)
            && kept.EncodedWire is { } bytes && payload.SequenceEqual(bytes))
        {
            return kept;
        }

        var snapshot = Decode(payload, maxBytes);
        if (snapshot is null)
        {
            return null;
        }

        // The payload is this snapshot's encoding (entries in the same order, forwarded ones as they came); a deadline
        // entry is re-encoded by every send anyway (see FlowDeadline.FreezeForWire), so its bytes here are never reused.
        snapshot.EncodedWire = payload.ToArray();
        if (last is null)
        {
            t_lastDecoded = new WeakReference<ContextSnapshot>(snapshot);
        }
        else
        {
            last.SetTarget(snapshot);
        }

        return snapshot;
    }

    [ThreadStatic]
    private static WeakReference<ContextSnapshot>? t_lastDecoded;

    private static byte[] EncodeUncached(ContextSnapshot snapshot)
    {
        var buffer = new byte[TotalSize(snapshot.WireCount, snapshot.WireBytes)];
        var span = buffer.AsSpan();
        span[0] = Version;
        var position = 1 + WriteVarint(span[1..], snapshot.WireCount);
        foreach (var (key, value) in snapshot.Entries())
        {
            if (key.Scope != ContextScope.Distributed)
            {
                continue;
            }

            span[position++] = key is RequestContext.RequestContextKey ? KindRequestKey : KindVar;
            var nameBytes = Encoding.UTF8.GetByteCount(key.Name);
            position += WriteVarint(span[position..], nameBytes);
            position += Encoding.UTF8.GetBytes(key.Name, span[position..]);
            position += WritePayload(span[position..], key, value);
        }

        return position == buffer.Length
            ? buffer
            : throw new InvalidOperationException($"Context encoding wrote {position} bytes, expected {buffer.Length}: a codec's output changed between sizing and encoding.");
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

        var reader = new Reader(payload, 1);
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

    private static (IContextVar Key, object? Value) ReadVarEntry(ref Reader reader, string name)
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
            var tag = (Tag)reader.ReadByte("value tag");
            if (tag == Tag.Null)
            {
                // This library never sends a trace entry without a trace.
                return ReferenceEquals(local, TraceCarrier.Var)
                    ? throw new ContextFormatException($"Entry '{name}' holds no trace.")
                    : (local, null);
            }

            if (tag != Tag.Codec)
            {
                throw new ContextFormatException($"Var '{name}' has a codec here, but the payload holds a {tag} value.");
            }

            var bytes = reader.ReadBytes(reader.ReadVarint("codec length"), "codec value");
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

    private static object? ReadWireSafe(ref Reader reader, string name, bool allowCodec)
    {
        var tag = (Tag)reader.ReadByte("value tag");
        try
        {
            return tag switch
            {
                Tag.Null => null,
                Tag.String => reader.ReadUtf8(reader.ReadVarint("string length"), "string"),
                Tag.Boolean => reader.ReadByte("bool") switch
                {
                    0 => false,
                    1 => true,
                    var b => throw new ContextFormatException($"Var '{name}' has bool byte {b}."),
                },
                Tag.Byte => reader.ReadByte("byte"),
                Tag.SByte => (sbyte)reader.ReadByte("sbyte"),
                Tag.Int16 => BinaryPrimitives.ReadInt16LittleEndian(reader.ReadBytes(2, "int16")),
                Tag.UInt16 => BinaryPrimitives.ReadUInt16LittleEndian(reader.ReadBytes(2, "uint16")),
                Tag.Int32 => BinaryPrimitives.ReadInt32LittleEndian(reader.ReadBytes(4, "int32")),
                Tag.UInt32 => BinaryPrimitives.ReadUInt32LittleEndian(reader.ReadBytes(4, "uint32")),
                Tag.Int64 => BinaryPrimitives.ReadInt64LittleEndian(reader.ReadBytes(8, "int64")),
                Tag.UInt64 => BinaryPrimitives.ReadUInt64LittleEndian(reader.ReadBytes(8, "uint64")),
                Tag.Double => BinaryPrimitives.ReadDoubleLittleEndian(reader.ReadBytes(8, "double")),
                Tag.Decimal => ReadDecimal(reader.ReadBytes(16, "decimal")),
                Tag.Guid => new Guid(reader.ReadBytes(16, "guid")),
                Tag.DateTime => DateTime.FromBinary(BinaryPrimitives.ReadInt64LittleEndian(reader.ReadBytes(8, "DateTime"))),
                Tag.DateTimeOffset => new DateTimeOffset(
                    BinaryPrimitives.ReadInt64LittleEndian(reader.ReadBytes(8, "DateTimeOffset ticks")),
                    TimeSpan.FromMinutes(BinaryPrimitives.ReadInt16LittleEndian(reader.ReadBytes(2, "DateTimeOffset offset")))),
                Tag.TimeSpan => new TimeSpan(BinaryPrimitives.ReadInt64LittleEndian(reader.ReadBytes(8, "TimeSpan"))),
                Tag.Bytes => reader.ReadBytes(reader.ReadVarint("byte[] length"), "byte[]").ToArray(),
                Tag.Codec when allowCodec => reader.ReadBytes(reader.ReadVarint("codec length"), "codec value").ToArray(),
                _ => throw new ContextFormatException($"Var '{name}' has unknown value tag {(byte)tag}."),
            };
        }
        catch (ArgumentException ex)
        {
            // Out-of-range DateTime, offset or decimal bits.
            throw new ContextFormatException($"Var '{name}' has an invalid {tag} value: {ex.Message}", ex);
        }
    }

    private static decimal ReadDecimal(ReadOnlySpan<byte> bytes)
    {
        Span<int> bits = stackalloc int[4];
        for (var i = 0; i < 4; i++)
        {
            bits[i] = BinaryPrimitives.ReadInt32LittleEndian(bytes.Slice(i * 4, 4));
        }

        return new decimal(bits);
    }

    private static int PayloadSize(IContextVar key, object? value) => value switch
    {
        null => 0,
        ForwardedValue forwarded => forwarded.Raw.Length - 1,
        _ when key is IWireVar { HasCodec: true } codecVar => LengthPrefixed(codecVar.EncodeValue(value).Length),
        string s => StringSize(s),
        bool or byte or sbyte => 1,
        short or ushort => 2,
        int or uint => 4,
        long or ulong or double or DateTime or TimeSpan => 8,
        DateTimeOffset => 10,
        decimal or Guid => 16,
        byte[] bytes => LengthPrefixed(bytes.Length),
        _ => throw new ArgumentException(
            $"'{key.Name}' holds a {value.GetType().Name}, which cannot cross nodes. Use a wire-safe type (string, bool, integers, double, " +
            "decimal, Guid, DateTime, DateTimeOffset, TimeSpan, byte[]), give the var an IContextCodec, or make it ContextScope.Process."),
    };

    private static int WritePayload(Span<byte> span, IContextVar key, object? value)
    {
        if (value is ForwardedValue forwarded)
        {
            forwarded.Raw.CopyTo(span);
            return forwarded.Raw.Length;
        }

        if (value is null)
        {
            span[0] = (byte)Tag.Null;
            return 1;
        }

        if (key is IWireVar { HasCodec: true } codecVar)
        {
            span[0] = (byte)Tag.Codec;
            return 1 + WriteLengthPrefixed(span[1..], codecVar.EncodeValue(value));
        }

        span[0] = (byte)s_tags[value.GetType()];
        var body = span[1..];
        switch (value)
        {
            case string s:
                return 1 + WriteString(body, s);
            case bool b:
                body[0] = b ? (byte)1 : (byte)0;
                return 2;
            case byte u8:
                body[0] = u8;
                return 2;
            case sbyte i8:
                body[0] = (byte)i8;
                return 2;
            case short i16:
                BinaryPrimitives.WriteInt16LittleEndian(body, i16);
                return 3;
            case ushort u16:
                BinaryPrimitives.WriteUInt16LittleEndian(body, u16);
                return 3;
            case int i32:
                BinaryPrimitives.WriteInt32LittleEndian(body, i32);
                return 5;
            case uint u32:
                BinaryPrimitives.WriteUInt32LittleEndian(body, u32);
                return 5;
            case long i64:
                BinaryPrimitives.WriteInt64LittleEndian(body, i64);
                return 9;
            case ulong u64:
                BinaryPrimitives.WriteUInt64LittleEndian(body, u64);
                return 9;
            case double d:
                BinaryPrimitives.WriteDoubleLittleEndian(body, d);
                return 9;
            case decimal m:
                Span<int> bits = stackalloc int[4];
                decimal.GetBits(m, bits);
                for (var i = 0; i < 4; i++)
                {
                    BinaryPrimitives.WriteInt32LittleEndian(body.Slice(i * 4, 4), bits[i]);
                }

                return 17;
            case Guid g:
                g.TryWriteBytes(body);
                return 17;
            case DateTime dt:
                BinaryPrimitives.WriteInt64LittleEndian(body, dt.ToBinary());
                return 9;
            case DateTimeOffset dto:
                BinaryPrimitives.WriteInt64LittleEndian(body, dto.Ticks);
                BinaryPrimitives.WriteInt16LittleEndian(body[8..], (short)dto.Offset.TotalMinutes);
                return 11;
            case TimeSpan ts:
                BinaryPrimitives.WriteInt64LittleEndian(body, ts.Ticks);
                return 9;
            case byte[] bytes:
                return 1 + WriteLengthPrefixed(body, bytes);
            default:
                throw new InvalidOperationException($"No wire encoding for {value.GetType()}.");
        }
    }

    private static int LengthPrefixed(int length) => VarintSize(length) + length;

    /// <summary>The encoded size of a length-prefixed UTF-8 string.</summary>
    internal static int StringSize(string value) => LengthPrefixed(Encoding.UTF8.GetByteCount(value));

    /// <summary>Writes a length-prefixed UTF-8 string; returns the bytes written.</summary>
    internal static int WriteString(Span<byte> span, string value)
    {
        var prefix = WriteVarint(span, Encoding.UTF8.GetByteCount(value));
        return prefix + Encoding.UTF8.GetBytes(value, span[prefix..]);
    }

    private static int WriteLengthPrefixed(Span<byte> span, ReadOnlySpan<byte> bytes)
    {
        var prefix = WriteVarint(span, bytes.Length);
        bytes.CopyTo(span[prefix..]);
        return prefix + bytes.Length;
    }

    internal static int VarintSize(int value)
    {
        var size = 1;
        for (var v = (uint)value; v >= 0x80; v >>= 7)
        {
            size++;
        }

        return size;
    }

    internal static int WriteVarint(Span<byte> span, int value)
    {
        var v = (uint)value;
        var i = 0;
        while (v >= 0x80)
        {
            span[i++] = (byte)(v | 0x80);
            v >>= 7;
        }

        span[i++] = (byte)v;
        return i;
    }

    /// <summary>Bounds-checked reading; every failure is a <see cref="ContextFormatException"/>.</summary>
    internal ref struct Reader(ReadOnlySpan<byte> payload, int position)
    {
        private readonly ReadOnlySpan<byte> _payload = payload;

        public int Position { get; private set; } = position;

        public readonly int Remaining => _payload.Length - Position;

        public readonly byte[] Slice(int start) => _payload[start..Position].ToArray();

        public byte ReadByte(string what)
        {
            if (Remaining < 1)
            {
                throw Truncated(what, 1);
            }

            return _payload[Position++];
        }

        public ReadOnlySpan<byte> ReadBytes(int count, string what)
        {
            if (count < 0 || count > Remaining)
            {
                throw Truncated(what, count);
            }

            var bytes = _payload.Slice(Position, count);
            Position += count;
            return bytes;
        }

        public string ReadUtf8(int count, string what)
        {
            var bytes = ReadBytes(count, what);
            try
            {
                return s_strictUtf8.GetString(bytes);
            }
            catch (DecoderFallbackException ex)
            {
                throw new ContextFormatException($"The {what} at byte {Position - count} is not valid UTF-8.", ex);
            }
        }

        /// <summary>A length-prefixed UTF-8 string (see <see cref="WriteString"/>).</summary>
        public string ReadString(string what) => ReadUtf8(ReadVarint(what + " length"), what);

        public int ReadVarint(string what)
        {
            uint result = 0;
            for (var shift = 0; shift < 35; shift += 7)
            {
                var b = ReadByte(what);
                result |= (uint)(b & 0x7F) << shift;
                if ((b & 0x80) == 0)
                {
                    return result <= int.MaxValue
                        ? (int)result
                        : throw new ContextFormatException($"The {what} at byte {Position} is out of range.");
                }
            }

            throw new ContextFormatException($"The {what} at byte {Position} is not a valid varint.");
        }

        private readonly ContextFormatException Truncated(string what, int needed) =>
            new($"Context payload is truncated: the {what} at byte {Position} needs {needed} bytes, {Remaining} remain.");
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
