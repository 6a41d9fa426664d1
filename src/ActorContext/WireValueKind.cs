namespace ActorContext;

/// <summary>
/// One kind of value the wire format carries without a codec: its CLR type, its tag on the wire, how many payload
/// bytes a value takes, and how it is written and read. The table of kinds (<see cref="For"/>, <see cref="ForTag"/>)
/// is the single place that says which types are wire-safe and how each is encoded; sizing, encoding and decoding
/// all go through it.
/// </summary>
/// <remarks>
/// Tags are part of the format: an entry's tag never changes and a freed tag is never reused. Tag 0 (null) and tag
/// 18 (a codec's bytes) are the format's own, not value kinds (see <see cref="ContextWireFormat"/>).
/// </remarks>
internal sealed class WireValueKind
{
    internal delegate void ValueWriter(ref WireWriter writer, object value);

    internal delegate object ValueReader(ref WireReader reader, string entry);

    private readonly int _fixedSize;
    private readonly Func<object, int>? _variableSize;
    private readonly ValueWriter _write;
    private readonly ValueReader _read;

    private WireValueKind(byte tag, Type type, string name, int fixedSize, Func<object, int>? variableSize, ValueWriter write, ValueReader read)
    {
        Tag = tag;
        Type = type;
        Name = name;
        _fixedSize = fixedSize;
        _variableSize = variableSize;
        _write = write;
        _read = read;
    }

    /// <summary>The byte that precedes a value of this kind on the wire.</summary>
    public byte Tag { get; }

    /// <summary>The CLR type of the values (never a nullable form).</summary>
    public Type Type { get; }

    /// <summary>The kind's name in error messages.</summary>
    public string Name { get; }

    /// <summary>The bytes <see cref="Write"/> writes for <paramref name="value"/> (not counting the tag).</summary>
    public int PayloadSize(object value) => _variableSize is null ? _fixedSize : _variableSize(value);

    /// <summary>Writes <paramref name="value"/>, without the tag.</summary>
    public void Write(ref WireWriter writer, object value) => _write(ref writer, value);

    /// <summary>Reads a value written by <see cref="Write"/>; <paramref name="entry"/> names the entry in errors.</summary>
    public object Read(ref WireReader reader, string entry) => _read(ref reader, entry);

    private static WireValueKind Fixed<T>(byte tag, int size, ValueWriter write, ValueReader read, string? name = null) =>
        new(tag, typeof(T), name ?? typeof(T).Name, size, null, write, read);

    private static WireValueKind Sized<T>(byte tag, Func<object, int> size, ValueWriter write, ValueReader read, string? name = null) =>
        new(tag, typeof(T), name ?? typeof(T).Name, 0, size, write, read);

    private static readonly WireValueKind[] s_kinds =
    [
        Sized<string>(1, static v => WireWriter.StringSize((string)v), static (ref WireWriter w, object v) => w.WriteString((string)v), static (ref WireReader r, string _) => r.ReadString("string length", "string")),
        Fixed<bool>(2, 1, static (ref WireWriter w, object v) => w.WriteByte((bool)v ? (byte)1 : (byte)0), static (ref WireReader r, string entry) => r.ReadByte("bool") switch
        {
            0 => false,
            1 => true,
            var b => throw new ContextFormatException($"Var '{entry}' has bool byte {b}."),
        }),
        Fixed<byte>(3, 1, static (ref WireWriter w, object v) => w.WriteByte((byte)v), static (ref WireReader r, string _) => r.ReadByte("byte")),
        Fixed<sbyte>(4, 1, static (ref WireWriter w, object v) => w.WriteByte((byte)(sbyte)v), static (ref WireReader r, string _) => (sbyte)r.ReadByte("sbyte")),
        Fixed<short>(5, 2, static (ref WireWriter w, object v) => w.WriteInt16((short)v), static (ref WireReader r, string _) => r.ReadInt16("int16")),
        Fixed<ushort>(6, 2, static (ref WireWriter w, object v) => w.WriteUInt16((ushort)v), static (ref WireReader r, string _) => r.ReadUInt16("uint16")),
        Fixed<int>(7, 4, static (ref WireWriter w, object v) => w.WriteInt32((int)v), static (ref WireReader r, string _) => r.ReadInt32("int32")),
        Fixed<uint>(8, 4, static (ref WireWriter w, object v) => w.WriteUInt32((uint)v), static (ref WireReader r, string _) => r.ReadUInt32("uint32")),
        Fixed<long>(9, 8, static (ref WireWriter w, object v) => w.WriteInt64((long)v), static (ref WireReader r, string _) => r.ReadInt64("int64")),
        Fixed<ulong>(10, 8, static (ref WireWriter w, object v) => w.WriteUInt64((ulong)v), static (ref WireReader r, string _) => r.ReadUInt64("uint64")),
        Fixed<double>(11, 8, static (ref WireWriter w, object v) => w.WriteDouble((double)v), static (ref WireReader r, string _) => r.ReadDouble("double")),
        Fixed<decimal>(12, 16, static (ref WireWriter w, object v) => WriteDecimal(ref w, (decimal)v), static (ref WireReader r, string _) => ReadDecimal(ref r)),
        Fixed<Guid>(13, 16, static (ref WireWriter w, object v) => WriteGuid(ref w, (Guid)v), static (ref WireReader r, string _) => new Guid(r.ReadBytes(16, "guid"))),
        Fixed<DateTime>(14, 8, static (ref WireWriter w, object v) => w.WriteInt64(((DateTime)v).ToBinary()), static (ref WireReader r, string _) => DateTime.FromBinary(r.ReadInt64("DateTime"))),
        Fixed<DateTimeOffset>(15, 10, static (ref WireWriter w, object v) => WriteDateTimeOffset(ref w, (DateTimeOffset)v), static (ref WireReader r, string _) => ReadDateTimeOffset(ref r)),
        Fixed<TimeSpan>(16, 8, static (ref WireWriter w, object v) => w.WriteInt64(((TimeSpan)v).Ticks), static (ref WireReader r, string _) => new TimeSpan(r.ReadInt64("TimeSpan"))),
        Sized<byte[]>(17, static v => WireWriter.LengthPrefixedSize(((byte[])v).Length), static (ref WireWriter w, object v) => w.WriteLengthPrefixed((byte[])v), static (ref WireReader r, string _) => r.ReadLengthPrefixed("byte[] length", "byte[]").ToArray(), name: "Bytes"),
    ];

    private static readonly WireValueKind?[] s_byTag = IndexByTag();

    private static readonly Dictionary<Type, WireValueKind> s_byType = s_kinds.ToDictionary(kind => kind.Type);

    /// <summary>The kind of values of <paramref name="type"/> (not a nullable form), or null when it is not wire-safe.</summary>
    internal static WireValueKind? For(Type type) => s_byType.GetValueOrDefault(type);

    /// <summary>The kind written with <paramref name="tag"/>, or null when no kind has it.</summary>
    internal static WireValueKind? ForTag(byte tag) => tag < s_byTag.Length ? s_byTag[tag] : null;

    private static WireValueKind?[] IndexByTag()
    {
        var byTag = new WireValueKind?[s_kinds.Max(kind => kind.Tag) + 1];
        foreach (var kind in s_kinds)
        {
            byTag[kind.Tag] = byTag[kind.Tag] is null ? kind : throw new InvalidOperationException($"Wire tag {kind.Tag} is taken twice.");
        }

        return byTag;
    }

    private static void WriteDecimal(ref WireWriter writer, decimal value)
    {
        Span<int> bits = stackalloc int[4];
        decimal.GetBits(value, bits);
        foreach (var part in bits)
        {
            writer.WriteInt32(part);
        }
    }

    private static decimal ReadDecimal(ref WireReader reader)
    {
        var bytes = new WireReader(reader.ReadBytes(16, "decimal"), 0);
        Span<int> bits = stackalloc int[4];
        for (var i = 0; i < bits.Length; i++)
        {
            bits[i] = bytes.ReadInt32("decimal");
        }

        return new decimal(bits);
    }

    private static void WriteGuid(ref WireWriter writer, Guid value) => value.TryWriteBytes(writer.Reserve(16));

    private static void WriteDateTimeOffset(ref WireWriter writer, DateTimeOffset value)
    {
        writer.WriteInt64(value.Ticks);
        writer.WriteInt16((short)value.Offset.TotalMinutes);
    }

    private static DateTimeOffset ReadDateTimeOffset(ref WireReader reader) =>
        new(reader.ReadInt64("DateTimeOffset ticks"), TimeSpan.FromMinutes(reader.ReadInt16("DateTimeOffset offset")));
}
