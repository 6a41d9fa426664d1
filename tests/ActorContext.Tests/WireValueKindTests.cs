namespace ActorContext.Tests;

/// <summary>The table of wire value kinds: each kind's size rule, writer and reader agree, and only listed types have one.</summary>
public sealed class WireValueKindTests
{
    public static TheoryData<object> Samples => new()
    {
        "",
        "héllo ✓",
        new string('x', 200),
        true,
        false,
        (byte)0xFE,
        (sbyte)-128,
        short.MinValue,
        ushort.MaxValue,
        int.MinValue,
        uint.MaxValue,
        long.MinValue,
        ulong.MaxValue,
        double.NaN,
        -0.0,
        decimal.MinValue,
        0.0000000000000000000000000001m,
        Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e"),
        new DateTime(2026, 12, 3, 16, 0, 0, DateTimeKind.Utc),
        new DateTime(2026, 12, 3, 16, 0, 0, DateTimeKind.Unspecified),
        new DateTimeOffset(2026, 12, 3, 16, 0, 0, TimeSpan.FromHours(-14)),
        TimeSpan.MinValue,
        Array.Empty<byte>(),
        new byte[300],
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public void Write_SampleOfEveryKind_WritesItsSizeAndReadsBackEqual(object value)
    {
        var kind = WireValueKind.For(value.GetType())!;
        var buffer = new byte[kind.PayloadSize(value)];

        var writer = new WireWriter(buffer);
        kind.Write(ref writer, value);
        var reader = new WireReader(buffer, 0);
        var read = kind.Read(ref reader, "sample");

        Assert.Equal(buffer.Length, writer.Position);
        Assert.Equal(0, reader.Remaining);
        Assert.Equal(value, read);
        Assert.Same(kind, WireValueKind.ForTag(kind.Tag));
    }

    [Theory]
    [InlineData(typeof(object))]
    [InlineData(typeof(int?))]
    [InlineData(typeof(char))]
    [InlineData(typeof(float))]
    [InlineData(typeof(ReadOnlyMemory<byte>))]
    public void For_TypeNotInTheTable_IsNull(Type type)
    {
        Assert.Null(WireValueKind.For(type));
    }

    [Theory]
    [InlineData(0)] // null
    [InlineData(18)] // a codec's bytes
    [InlineData(19)]
    [InlineData(255)]
    public void ForTag_TagOfNoValueKind_IsNull(byte tag)
    {
        Assert.Null(WireValueKind.ForTag(tag));
    }

    [Fact]
    public void WriteInt64_OnAnyMachine_IsLittleEndian()
    {
        var buffer = new byte[8];
        var writer = new WireWriter(buffer);

        writer.WriteInt64(0x0102030405060708);

        Assert.Equal(new byte[] { 8, 7, 6, 5, 4, 3, 2, 1 }, buffer);
    }

    [Fact]
    public void ReadInt32_FewerBytesLeft_ThrowsContextFormatExceptionNamingWhatAndWhere()
    {
        var error = Assert.Throws<ContextFormatException>(() => new WireReader(new byte[] { 1, 2, 3, 4, 5 }, 2).ReadInt32("attempt"));

        Assert.Equal("Context payload is truncated: the attempt at byte 2 needs 4 bytes, 3 remain.", error.Message);
    }

    [Fact]
    public void ReadString_LengthLargerThanWhatRemains_ThrowsBeforeAllocating()
    {
        byte[] payload = [0xFF, 0xFF, 0xFF, 0xFF, 0x07, (byte)'a'];

        var error = Assert.Throws<ContextFormatException>(() => new WireReader(payload, 0).ReadString("name length", "name"));

        Assert.Contains("the name at byte 5 needs 2147483647 bytes, 1 remain", error.Message);
    }
}
