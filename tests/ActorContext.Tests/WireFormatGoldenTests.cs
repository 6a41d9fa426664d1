using System.Diagnostics;

namespace ActorContext.Tests;

/// <summary>
/// The wire bytes of known contexts, as the format's first implementation wrote them: a change to the encoder or a
/// codec that moves a single byte breaks nodes running the older code, so these bytes are fixed here and compared
/// exactly, both ways.
/// </summary>
public sealed class WireFormatGoldenTests
{
    private const int Limit = DistributedContext.DefaultMaxEncodedBytes;

    // Fixed names (the bytes hold them), declared once per process: distributed var names are unique.
    private static readonly ContextVar<string> Text = new("golden.string", ContextScope.Distributed);
    private static readonly ContextVar<bool> Flag = new("golden.bool", ContextScope.Distributed);
    private static readonly ContextVar<byte> U8 = new("golden.byte", ContextScope.Distributed);
    private static readonly ContextVar<sbyte> I8 = new("golden.sbyte", ContextScope.Distributed);
    private static readonly ContextVar<short> I16 = new("golden.int16", ContextScope.Distributed);
    private static readonly ContextVar<ushort> U16 = new("golden.uint16", ContextScope.Distributed);
    private static readonly ContextVar<int> I32 = new("golden.int32", ContextScope.Distributed);
    private static readonly ContextVar<uint> U32 = new("golden.uint32", ContextScope.Distributed);
    private static readonly ContextVar<long> I64 = new("golden.int64", ContextScope.Distributed);
    private static readonly ContextVar<ulong> U64 = new("golden.uint64", ContextScope.Distributed);
    private static readonly ContextVar<double> Real = new("golden.double", ContextScope.Distributed);
    private static readonly ContextVar<decimal> Money = new("golden.decimal", ContextScope.Distributed);
    private static readonly ContextVar<Guid> Id = new("golden.guid", ContextScope.Distributed);
    private static readonly ContextVar<DateTime> When = new("golden.datetime", ContextScope.Distributed);
    private static readonly ContextVar<DateTimeOffset> WhenOffset = new("golden.datetimeoffset", ContextScope.Distributed);
    private static readonly ContextVar<TimeSpan> Span = new("golden.timespan", ContextScope.Distributed);
    private static readonly ContextVar<byte[]> Blob = new("golden.bytes", ContextScope.Distributed);
    private static readonly ContextVar<int?> Missing = new("golden.null", ContextScope.Distributed);
    private static readonly ContextVar<(int X, int Y)> Point = new("golden.codec", new PointCodec());
    private static readonly ContextVar<string> Local = new("golden.local");

    private sealed class PointCodec : IContextCodec<(int X, int Y)>
    {
        public byte[] Encode((int X, int Y) value) => [(byte)value.X, (byte)value.Y];

        public (int X, int Y) Decode(ReadOnlySpan<byte> bytes) =>
            bytes.Length == 2 ? (bytes[0], bytes[1]) : throw new FormatException($"a point is 2 bytes, not {bytes.Length}");
    }

    private static readonly Guid KnownGuid = new("0f8fad5b-d9cb-469f-a165-70867728950e");

    public static TheoryData<string> Cases => new() { "numbers", "others", "request-context", "trace", "deadlines", "expired-deadline" };

    private static ContextSnapshot Build(string name) => name switch
    {
        // At most 16 entries each: larger snapshots keep a hash map, whose order is not fixed.
        "numbers" => Ambient.Capture(() =>
        {
            Flag.Set(true);
            U8.Set(0xAB);
            I8.Set(-2);
            I16.Set(-12345);
            U16.Set(54321);
            I32.Set(-123456789);
            U32.Set(4000000000);
            I64.Set(-1234567890123456789);
            U64.Set(18000000000000000000);
            Real.Set(-3.141592653589793);
            Money.Set(-79228162514264.337593543950335m);
        }),
        "others" => Ambient.Capture(() =>
        {
            Local.Set("stays home");
            Text.Set("héllo, wörld ✓");
            Id.Set(KnownGuid);
            When.Set(new DateTime(2026, 11, 24, 22, 31, 5, 123, DateTimeKind.Utc));
            WhenOffset.Set(new DateTimeOffset(2026, 11, 24, 23, 0, 0, TimeSpan.FromMinutes(-330)));
            Span.Set(TimeSpan.FromMilliseconds(1234.5));
            Blob.Set([0, 1, 2, 0xFF]);
            Missing.Set(null);
            Point.Set((4, 2));
        }),
        "request-context" => Ambient.Capture(() =>
        {
            RequestContext.Set("corr", "c-9");
            RequestContext.Set("attempt", 3);
            RequestContext.Set("tenant", KnownGuid);
            RequestContext.Set("raw", new byte[] { 9, 8 });
            RequestContext.Set("nothing", null);
            Text.Set("with a var");
        }),
        "trace" => ContextSnapshot.Empty.With(Text, "traced").With(TraceCarrier.Var, TraceParent.Freeze(KnownActivity())),
        "deadlines" => ContextSnapshot.Empty
            .With(FlowDeadline.Current, new FlowScope(null, null))
            .With(Text, "no deadline"),
        "expired-deadline" => ContextSnapshot.Empty.With(FlowDeadline.Current, new FlowScope(null, FlowScope.Now - TimeSpan.FromDays(1))),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    // Not started: its span id stays all zeros (see "trace-received" for the same entry with a span id), so the frozen trace is the same on every run.
    private static Activity KnownActivity()
    {
        var activity = new Activity("golden");
        activity.SetParentId(
            ActivityTraceId.CreateFromString("4bf92f3577b34da6a3ce929d0e0e4736"),
            ActivitySpanId.CreateFromString("00f067aa0ba902b7"),
            ActivityTraceFlags.Recorded);
        activity.TraceStateString = "congo=t61rcWkgMzE";
        activity.AddBaggage("user", "alice");
        activity.AddBaggage("empty", null);
        return activity;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Encode_KnownContext_WritesTheGoldenBytes(string name)
    {
        Assert.Equal(Golden[name], Convert.ToHexString(ContextWireFormat.Encode(Build(name))));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Decode_GoldenBytes_YieldsTheKnownEntriesAndEncodesBackUnchanged(string name)
    {
        // A receiver refuses the all-zero span id the sender's encoding of an unstarted Activity holds.
        var golden = Convert.FromHexString(Golden[name == "trace" ? "trace-received" : name]);
        var expected = Build(name);

        var decoded = ContextWireFormat.Decode(golden, Limit)!;

        Assert.Equal(expected.WireCount, decoded.WireCount);
        foreach (var (key, value) in expected.VisibleEntries())
        {
            if (key.Scope != ContextScope.Distributed)
            {
                continue;
            }

            Assert.True(decoded.TryGetVisible(key, out var actual), $"'{key.Name}' is missing");
            Assert.Equal(value, actual);
        }

        Assert.Equal(golden, ContextWireFormat.Encode(decoded));
    }

    [Fact]
    public void Decode_GoldenTrace_YieldsTheFrozenIdsStateAndBaggage()
    {
        var trace = ContextWireFormat.Decode(Convert.FromHexString(Golden["trace-received"]), Limit)!.Trace!;

        Assert.Equal("4bf92f3577b34da6a3ce929d0e0e4736", trace.Context.TraceId.ToHexString());
        Assert.Equal("00f067aa0ba902b7", trace.Context.SpanId.ToHexString());
        Assert.Equal(ActivityTraceFlags.Recorded, trace.Context.TraceFlags);
        Assert.Equal("congo=t61rcWkgMzE", trace.Context.TraceState);
        Assert.Equal([new("empty", null), new("user", "alice")], trace.Baggage);
    }

    [Fact]
    public void Decode_GoldenDeadlines_NoneStaysNone_ExpiredArrivesExpired()
    {
        var none = ContextWireFormat.Decode(Convert.FromHexString(Golden["deadlines"]), Limit)!;
        var expired = ContextWireFormat.Decode(Convert.FromHexString(Golden["expired-deadline"]), Limit)!;

        Assert.True(none.TryGet(FlowDeadline.Current, out var unbounded));
        Assert.Null(((FlowScope)unbounded!).Remaining);
        Assert.True(expired.TryGet(FlowDeadline.Current, out var passed));
        Assert.Equal(TimeSpan.Zero, ((FlowScope)passed!).Remaining);
    }

    // Produced by the encoder as it was before the format became table-driven (main at 257f9e8).
    private static readonly Dictionary<string, string> Golden = new()
    {
        ["numbers"] = "010B000B676F6C64656E2E626F6F6C0201000B676F6C64656E2E6279746503AB000C676F6C64656E2E736279746504FE000C676F6C64656E2E696E74313605C7CF000D676F6C64656E2E75696E7431360631D4000C676F6C64656E2E696E74333207EB32A4F8000D676F6C64656E2E75696E7433320800286BEE000C676F6C64656E2E696E74363409EB7E16820BEFDDEE000D676F6C64656E2E75696E7436340A000008C5A1D8CCF9000D676F6C64656E2E646F75626C650B182D4454FB2109C0000E676F6C64656E2E646563696D616C0CFFFFFFFFFFFFFFFFFFFFFFFF00000F80",
        ["others"] = "0108000D676F6C64656E2E737472696E67011268C3A96C6C6F2C2077C3B6726C6420E29C93000B676F6C64656E2E677569640D5BAD8F0FCBD99F46A16570867728950E000F676F6C64656E2E6461746574696D650E305FA0A07A4ADF480015676F6C64656E2E6461746574696D656F66667365740F0098B1AA7E4ADF08B6FE000F676F6C64656E2E74696D657370616E10A85EBC0000000000000C676F6C64656E2E62797465731104000102FF000B676F6C64656E2E6E756C6C00000C676F6C64656E2E636F64656312020402",
        ["request-context"] = "01060104636F72720103632D390107617474656D70740703000000010674656E616E740D5BAD8F0FCBD99F46A16570867728950E01037261771102090801076E6F7468696E6700000D676F6C64656E2E737472696E67010A77697468206120766172",
        ["trace"] = "0102000D676F6C64656E2E737472696E67010674726163656400136163746F722D636F6E746578742E74726163651240014BF92F3577B34DA6A3CE929D0E0E473600000000000000000111636F6E676F3D7436317263576B674D7A450205656D7074790004757365720105616C696365",
        ["trace-received"] = "0102000D676F6C64656E2E737472696E67010674726163656400136163746F722D636F6E746578742E74726163651240014BF92F3577B34DA6A3CE929D0E0E473600F067AA0BA902B70111636F6E676F3D7436317263576B674D7A450205656D7074790004757365720105616C696365",
        ["deadlines"] = "010200166163746F722D636F6E746578742E646561646C696E651208FFFFFFFFFFFFFF7F000D676F6C64656E2E737472696E67010B6E6F20646561646C696E65",
        ["expired-deadline"] = "010100166163746F722D636F6E746578742E646561646C696E6512080000000000000000",
    };
}
