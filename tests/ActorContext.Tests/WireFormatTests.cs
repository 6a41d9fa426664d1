using System.Text;

namespace ActorContext.Tests;

/// <summary>The closed binary format in which distributed entries cross nodes.</summary>
public class WireFormatTests
{
    private const int Limit = DistributedContext.DefaultMaxEncodedBytes;

    private sealed class PointCodec : IContextCodec<(int X, int Y)>
    {
        public byte[] Encode((int X, int Y) value) => [(byte)value.X, (byte)value.Y];

        public (int X, int Y) Decode(ReadOnlySpan<byte> bytes) =>
            bytes.Length == 2 ? (bytes[0], bytes[1]) : throw new FormatException($"a point is 2 bytes, not {bytes.Length}");
    }

    private static string Unique(string name) => $"{name}-{Guid.NewGuid():N}";

    private static ContextVar<T> Distributed<T>(string name) => new(Unique(name), ContextScope.Distributed);

    private static MessageContext RoundTrip(ContextSnapshot snapshot) =>
        MessageContext.FromSnapshot(ContextWireFormat.Decode(ContextWireFormat.Encode(snapshot), Limit));

    [Fact]
    public void RoundTrip_EveryWireSafeType_ValuesSurviveExactly()
    {
        var s = Distributed<string>("s");
        var b = Distributed<bool>("b");
        var u8 = Distributed<byte>("u8");
        var i8 = Distributed<sbyte>("i8");
        var i16 = Distributed<short>("i16");
        var u16 = Distributed<ushort>("u16");
        var i32 = Distributed<int>("i32");
        var u32 = Distributed<uint>("u32");
        var i64 = Distributed<long>("i64");
        var u64 = Distributed<ulong>("u64");
        var d = Distributed<double>("d");
        var m = Distributed<decimal>("m");
        var g = Distributed<Guid>("g");
        var dt = Distributed<DateTime>("dt");
        var dto = Distributed<DateTimeOffset>("dto");
        var ts = Distributed<TimeSpan>("ts");
        var bytes = Distributed<byte[]>("bytes");
        var guid = Guid.NewGuid();
        var now = new DateTime(2026, 11, 24, 22, 31, 0, DateTimeKind.Utc);
        var offset = new DateTimeOffset(2026, 11, 24, 23, 0, 0, TimeSpan.FromHours(5.5));

        var decoded = RoundTrip(Ambient.Capture(() =>
        {
            s.Set("héllo ✓");
            b.Set(true);
            u8.Set(byte.MaxValue);
            i8.Set(sbyte.MinValue);
            i16.Set(short.MinValue);
            u16.Set(ushort.MaxValue);
            i32.Set(int.MinValue);
            u32.Set(uint.MaxValue);
            i64.Set(long.MinValue);
            u64.Set(ulong.MaxValue);
            d.Set(-0.1);
            m.Set(-79228162514264337593543950335m);
            g.Set(guid);
            dt.Set(now);
            dto.Set(offset);
            ts.Set(TimeSpan.FromTicks(-123456789));
            bytes.Set([0, 1, 255]);
        }));

        Assert.True(decoded.TryGetValue(s, out var sv) && sv == "héllo ✓");
        Assert.True(decoded.TryGetValue(b, out var bv) && bv);
        Assert.True(decoded.TryGetValue(u8, out var u8v) && u8v == byte.MaxValue);
        Assert.True(decoded.TryGetValue(i8, out var i8v) && i8v == sbyte.MinValue);
        Assert.True(decoded.TryGetValue(i16, out var i16v) && i16v == short.MinValue);
        Assert.True(decoded.TryGetValue(u16, out var u16v) && u16v == ushort.MaxValue);
        Assert.True(decoded.TryGetValue(i32, out var i32v) && i32v == int.MinValue);
        Assert.True(decoded.TryGetValue(u32, out var u32v) && u32v == uint.MaxValue);
        Assert.True(decoded.TryGetValue(i64, out var i64v) && i64v == long.MinValue);
        Assert.True(decoded.TryGetValue(u64, out var u64v) && u64v == ulong.MaxValue);
        Assert.True(decoded.TryGetValue(d, out var dv) && dv.Equals(-0.1));
        Assert.True(decoded.TryGetValue(m, out var mv) && mv == -79228162514264337593543950335m);
        Assert.True(decoded.TryGetValue(g, out var gv) && gv == guid);
        Assert.True(decoded.TryGetValue(dt, out var dtv) && dtv == now && dtv.Kind == DateTimeKind.Utc);
        Assert.True(decoded.TryGetValue(dto, out var dtov) && dtov == offset && dtov.Offset == offset.Offset);
        Assert.True(decoded.TryGetValue(ts, out var tsv) && tsv.Ticks == -123456789);
        Assert.True(decoded.TryGetValue(bytes, out var bytesv) && bytesv.SequenceEqual(new byte[] { 0, 1, 255 }));
        Assert.Equal(17, decoded.Count);
    }

    [Fact]
    public void Encode_ProcessVarsAndNulls_ProcessVarsStayHomeNullsTravel()
    {
        var local = new ContextVar<string>("local-only");
        var remote = Distributed<string>("remote");
        var maybe = Distributed<int?>("maybe");

        var decoded = RoundTrip(Ambient.Capture(() =>
        {
            local.Set("secret");
            remote.Set("r");
            maybe.Set(null);
        }));

        Assert.False(decoded.ContainsKey(local));
        Assert.Equal("r", decoded[remote]);
        Assert.True(decoded.TryGetValue(maybe, out var m) && m is null);
    }

    [Fact]
    public void Encode_OnlyProcessVars_IsEmptyAndDecodesToNothing()
    {
        var local = new ContextVar<string>("local-only-2");
        var payload = ContextWireFormat.Encode(Ambient.Capture(() => local.Set("x")));

        Assert.Empty(payload);
        Assert.Null(ContextWireFormat.Decode(payload, Limit));
    }

    [Fact]
    public void RoundTrip_RequestContextEntriesAndCodecVar_Survive()
    {
        var point = new ContextVar<(int X, int Y)>(Unique("point"), new PointCodec());
        var decoded = RoundTrip(Ambient.Capture(() =>
        {
            RequestContext.Set("corr", "c-9");
            RequestContext.Set("attempt", 3);
            point.Set((4, 2));
        }));

        Assert.Equal("c-9", decoded.Lookup("corr"));
        Assert.Equal(3, decoded.Lookup("attempt"));
        Assert.Equal((4, 2), decoded[point]);
    }

    [Fact]
    public void Encode_SizeMatchesTheTrackedSize()
    {
        var a = Distributed<string>("a");
        var b = Distributed<long>("b");
        var snapshot = Ambient.Capture(() =>
        {
            a.Set("first");
            b.Set(42);
            a.Set("replaced value");
            RequestContext.Set("k", Guid.NewGuid());
            RequestContext.Remove("k");
        });

        Assert.Equal(snapshot.WireSize, ContextWireFormat.Encode(snapshot).Length);
    }

    [Fact]
    public void Decode_VarNotDeclaredHere_IsKeptByNameAndForwardedUnchanged()
    {
        var name = Unique("elsewhere");
        var payload = Payload(entries: [Entry(kind: 0, name, tag: 1, Utf8Prefixed("v-1"))]);

        var decoded = ContextWireFormat.Decode(payload, Limit)!;

        Assert.Equal("v-1", MessageContext.FromSnapshot(decoded).Lookup(name));
        Assert.Equal(payload, ContextWireFormat.Encode(decoded));
    }

    [Fact]
    public void Decode_VarNotDeclaredHere_EverySurfaceShowsItsWireValueNeverAnInternalType()
    {
        var name = Unique("elsewhere");
        var payload = Payload(entries: [Entry(kind: 0, name, tag: 7, [42, 0, 0, 0])]);

        var context = MessageContext.FromSnapshot(ContextWireFormat.Decode(payload, Limit));
        var key = Assert.Single(context.Keys);

        Assert.Equal(42, context.Lookup(name));
        Assert.Equal(42, context[key]);
        Assert.True(context.TryGetValue(key, out var value) && Equals(value, 42));
        Assert.Equal([42], context.Values);
        Assert.Equal(42, Assert.Single(context).Value);
        Assert.Equal($"{{{name}=42}}", context.ToString());
    }

    [Fact]
    public void Decode_SameUndeclaredEntryDecodedTwice_ContextsAreEqualByContents()
    {
        var name = Unique("elsewhere");
        var payload = Payload(entries: [Entry(kind: 0, name, tag: 1, Utf8Prefixed("v-1"))]);

        var first = MessageContext.FromSnapshot(ContextWireFormat.Decode(payload, Limit));
        var second = MessageContext.FromSnapshot(ContextWireFormat.Decode(payload.ToArray(), Limit));

        Assert.Equal(first, second);
        Assert.Equal(first.GetHashCode(), second.GetHashCode());
        Assert.Equal("v-1", second[Assert.Single(first.Keys)]);
    }

    [Fact]
    public void Decode_TypeMismatchWithTheVarDeclaredHere_ThrowsFormatException()
    {
        var number = Distributed<int>("number");
        var payload = Payload(entries: [Entry(kind: 0, number.Name, tag: 1, Utf8Prefixed("not a number"))]);

        var error = Assert.Throws<ContextFormatException>(() => ContextWireFormat.Decode(payload, Limit));

        Assert.Contains(number.Name, error.Message);
        Assert.Contains("Int32", error.Message);
    }

    [Fact]
    public void Decode_CodecThrows_ThrowsFormatExceptionWithTheCause()
    {
        var point = new ContextVar<(int X, int Y)>(Unique("point"), new PointCodec());
        var payload = Payload(entries: [Entry(kind: 0, point.Name, tag: 18, [3, 1, 2, 3])]);

        var error = Assert.Throws<ContextFormatException>(() => ContextWireFormat.Decode(payload, Limit));

        Assert.IsType<FormatException>(error.InnerException);
    }

    public static TheoryData<string, byte[]> MalformedPayloads() => new()
    {
        { "unknown version", [2, 1, 0, 1, (byte)'a', 0] },
        { "count larger than the bytes allow", [1, 100, 0, 1, (byte)'a', 0] },
        { "zero entries", [1, 0] },
        { "truncated name", [1, 1, 0, 5, (byte)'a'] },
        { "zero-length name", [1, 1, 0, 0, 0, 0] },
        { "unknown kind", [1, 1, 7, 1, (byte)'a', 0] },
        { "unknown tag", [1, 1, 0, 1, (byte)'a', 99] },
        { "invalid utf-8 name", [1, 1, 0, 2, 0xC3, 0x28, 0] },
        { "invalid bool", [1, 1, 1, 1, (byte)'q', 2, 9] },
        { "truncated int32", [1, 1, 1, 1, (byte)'q', 7, 1, 2] },
        { "string length beyond payload", [1, 1, 1, 1, (byte)'q', 1, 0xFF, 0xFF, 0xFF, 0xFF, 0x07] },
        { "overlong varint", [1, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0] },
        { "duplicate entry", [1, 2, 1, 1, (byte)'q', 0, 1, 1, (byte)'q', 0] },
        { "trailing bytes", [1, 1, 1, 1, (byte)'q', 0, 42] },
        { "codec tag on a RequestContext key", [1, 1, 1, 1, (byte)'q', 18, 0] },
        { "invalid decimal scale", [1, 1, 1, 1, (byte)'q', 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0] },
    };

    [Theory]
    [MemberData(nameof(MalformedPayloads))]
    public void Decode_MalformedPayload_ThrowsFormatException(string what, byte[] payload)
    {
        var error = Assert.Throws<ContextFormatException>(() => ContextWireFormat.Decode(payload, Limit));
        Assert.False(string.IsNullOrWhiteSpace(error.Message), what);
    }

    [Fact]
    public void Decode_PayloadOverTheLimit_ThrowsBeforeReading()
    {
        var error = Assert.Throws<ContextFormatException>(() => ContextWireFormat.Decode(new byte[Limit + 1], Limit));
        Assert.Contains("limit", error.Message);
    }

    [Fact]
    public void Decode_TenThousandRandomAndMutatedPayloads_DecodeOrThrowOnlyFormatExceptionWithBoundedAllocation()
    {
        var random = new Random(20261124);
        var s = Distributed<string>("fuzz-s");
        var n = Distributed<int>("fuzz-n");
        var g = Distributed<Guid>("fuzz-g");
        var valid = new[]
        {
            ContextWireFormat.Encode(Ambient.Capture(() =>
            {
                s.Set("fuzz me");
                n.Set(7);
                g.Set(Guid.NewGuid());
                RequestContext.Set("corr", "c");
                RequestContext.Set("when", DateTimeOffset.UnixEpoch);
            })),
            ContextWireFormat.Encode(Ambient.Capture(() => RequestContext.Set("b", new byte[] { 1, 2, 3 }))),
        };

        var decoded = 0;
        var rejected = 0;
        for (var i = 0; i < 12_000; i++)
        {
            var payload = i % 3 == 0 ? RandomBytes(random) : Mutate(random, valid[random.Next(valid.Length)]);
            var before = GC.GetAllocatedBytesForCurrentThread();
            try
            {
                ContextWireFormat.Decode(payload, Limit);
                decoded++;
            }
            catch (ContextFormatException)
            {
                rejected++;
            }

            // Allocation follows the bytes actually present, never a length the payload claims.
            var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            Assert.True(allocated < 16_384 + (payload.Length * 64), $"payload {i} ({payload.Length} bytes) allocated {allocated} bytes");
        }

        Assert.Equal(12_000, decoded + rejected);
        Assert.True(decoded > 100, $"mutations should leave some payloads valid; decoded {decoded}");
        Assert.True(rejected > 1_000, $"rejected {rejected}");
    }

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(0, 64)];
        random.NextBytes(bytes);
        if (bytes.Length > 0 && random.Next(2) == 0)
        {
            bytes[0] = ContextWireFormat.Version;
        }

        return bytes;
    }

    private static byte[] Mutate(Random random, byte[] valid)
    {
        var bytes = valid.ToList();
        switch (random.Next(5))
        {
            case 0:
                bytes[random.Next(bytes.Count)] = (byte)random.Next(256);
                break;
            case 1:
                var start = random.Next(bytes.Count);
                bytes.RemoveRange(start, Math.Min(bytes.Count - start, 1 + random.Next(4)));
                break;
            case 2:
                bytes.Insert(random.Next(bytes.Count), (byte)random.Next(256));
                break;
            case 3:
                bytes = bytes.Take(random.Next(bytes.Count)).ToList();
                break;
            default:
                // Leave it valid: the decoder must still accept it.
                break;
        }

        return bytes.ToArray();
    }

    private static byte[] Payload(params byte[][] entries) =>
        [ContextWireFormat.Version, (byte)entries.Length, .. entries.SelectMany(e => e)];

    private static byte[] Entry(byte kind, string name, byte tag, byte[] payload)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        return [kind, (byte)nameBytes.Length, .. nameBytes, tag, .. payload];
    }

    private static byte[] Utf8Prefixed(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        return [(byte)bytes.Length, .. bytes];
    }
}
