using System.Buffers.Binary;
using System.Text;

namespace ActorContext;

/// <summary>
/// Writes the wire format's primitives into a buffer sized beforehand: numbers little-endian whatever the machine,
/// lengths as varints, strings as length-prefixed UTF-8. Every codec of the format writes through it, so the bytes of
/// a value are the same whichever entry holds it.
/// </summary>
/// <remarks>
/// The buffer is sized with <see cref="VarintSize"/>, <see cref="StringSize"/> and <see cref="LengthPrefixedSize"/>
/// before writing; writing past its end is a bug in that sizing and throws.
/// </remarks>
internal ref struct WireWriter(Span<byte> buffer)
{
    private readonly Span<byte> _buffer = buffer;

    /// <summary>How many bytes have been written.</summary>
    public int Position { get; private set; }

    /// <summary>The size of <paramref name="value"/> as a varint (7 bits a byte).</summary>
    public static int VarintSize(int value)
    {
        var size = 1;
        for (var v = (uint)value; v >= 0x80; v >>= 7)
        {
            size++;
        }

        return size;
    }

    /// <summary>The size of <paramref name="length"/> bytes with their varint length in front.</summary>
    public static int LengthPrefixedSize(int length) => VarintSize(length) + length;

    /// <summary>The size of <paramref name="value"/> as length-prefixed UTF-8.</summary>
    public static int StringSize(string value) => LengthPrefixedSize(Encoding.UTF8.GetByteCount(value));

    public void WriteByte(byte value) => _buffer[Position++] = value;

    public void WriteInt16(short value)
    {
        BinaryPrimitives.WriteInt16LittleEndian(_buffer[Position..], value);
        Position += sizeof(short);
    }

    public void WriteUInt16(ushort value)
    {
        BinaryPrimitives.WriteUInt16LittleEndian(_buffer[Position..], value);
        Position += sizeof(ushort);
    }

    public void WriteInt32(int value)
    {
        BinaryPrimitives.WriteInt32LittleEndian(_buffer[Position..], value);
        Position += sizeof(int);
    }

    public void WriteUInt32(uint value)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer[Position..], value);
        Position += sizeof(uint);
    }

    public void WriteInt64(long value)
    {
        BinaryPrimitives.WriteInt64LittleEndian(_buffer[Position..], value);
        Position += sizeof(long);
    }

    public void WriteUInt64(ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer[Position..], value);
        Position += sizeof(ulong);
    }

    public void WriteDouble(double value)
    {
        BinaryPrimitives.WriteDoubleLittleEndian(_buffer[Position..], value);
        Position += sizeof(double);
    }

    /// <summary>The next <paramref name="count"/> bytes of the buffer, for a value that writes itself (an id, a Guid).</summary>
    public Span<byte> Reserve(int count)
    {
        var span = _buffer.Slice(Position, count);
        Position += count;
        return span;
    }

    /// <summary>Writes <paramref name="bytes"/> as they are, with no length.</summary>
    public void WriteRaw(scoped ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(_buffer[Position..]);
        Position += bytes.Length;
    }

    public void WriteVarint(int value)
    {
        var v = (uint)value;
        while (v >= 0x80)
        {
            _buffer[Position++] = (byte)(v | 0x80);
            v >>= 7;
        }

        _buffer[Position++] = (byte)v;
    }

    /// <summary>Writes <paramref name="bytes"/> with their varint length in front.</summary>
    public void WriteLengthPrefixed(scoped ReadOnlySpan<byte> bytes)
    {
        WriteVarint(bytes.Length);
        WriteRaw(bytes);
    }

    /// <summary>Writes <paramref name="value"/> as UTF-8 with its varint byte length in front.</summary>
    public void WriteString(string value)
    {
        WriteVarint(Encoding.UTF8.GetByteCount(value));
        Position += Encoding.UTF8.GetBytes(value, _buffer[Position..]);
    }
}
