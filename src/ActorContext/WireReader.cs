using System.Buffers.Binary;
using System.Text;

namespace ActorContext;

/// <summary>
/// Reads what <see cref="WireWriter"/> wrote, from bytes that may come from another node and may be hostile: every
/// length is checked against the bytes that remain before anything is read or allocated, and every failure is a
/// <see cref="ContextFormatException"/> naming what was being read and where.
/// </summary>
internal ref struct WireReader(ReadOnlySpan<byte> payload, int position)
{
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlySpan<byte> _payload = payload;

    public int Position { get; private set; } = position;

    public readonly int Remaining => _payload.Length - Position;

    /// <summary>A copy of the bytes from <paramref name="start"/> to the current position.</summary>
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

    public short ReadInt16(string what) => BinaryPrimitives.ReadInt16LittleEndian(ReadBytes(sizeof(short), what));

    public ushort ReadUInt16(string what) => BinaryPrimitives.ReadUInt16LittleEndian(ReadBytes(sizeof(ushort), what));

    public int ReadInt32(string what) => BinaryPrimitives.ReadInt32LittleEndian(ReadBytes(sizeof(int), what));

    public uint ReadUInt32(string what) => BinaryPrimitives.ReadUInt32LittleEndian(ReadBytes(sizeof(uint), what));

    public long ReadInt64(string what) => BinaryPrimitives.ReadInt64LittleEndian(ReadBytes(sizeof(long), what));

    public ulong ReadUInt64(string what) => BinaryPrimitives.ReadUInt64LittleEndian(ReadBytes(sizeof(ulong), what));

    public double ReadDouble(string what) => BinaryPrimitives.ReadDoubleLittleEndian(ReadBytes(sizeof(double), what));

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

    /// <summary>A length-prefixed UTF-8 string (see <see cref="WireWriter.WriteString"/>).</summary>
    /// <remarks>Both names are constants at every call site, so a successful read allocates only the string.</remarks>
    public string ReadString(string lengthWhat, string what) => ReadUtf8(ReadVarint(lengthWhat), what);

    /// <summary>Length-prefixed bytes (see <see cref="WireWriter.WriteLengthPrefixed"/>), not copied.</summary>
    public ReadOnlySpan<byte> ReadLengthPrefixed(string lengthWhat, string what) => ReadBytes(ReadVarint(lengthWhat), what);

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
