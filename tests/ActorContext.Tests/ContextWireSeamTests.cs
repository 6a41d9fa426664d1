using ActorContext.Infrastructure;

namespace ActorContext.Tests;

/// <summary>ContextWire, the seam ActorContext.Remote encodes and decodes contexts through.</summary>
public class ContextWireSeamTests
{
    private const int Limit = DistributedContext.DefaultMaxEncodedBytes;

    private static readonly ContextVar<string> Local = new($"wire-seam-local-{Guid.NewGuid():N}");
    private static readonly ContextVar<string> Distributed = new($"wire-seam-distributed-{Guid.NewGuid():N}", ContextScope.Distributed);

    [Fact]
    public void HasWireEntries_NullOrLocalOnly_False_WithADistributedEntry_True()
    {
        Assert.False(ContextWire.HasWireEntries(null));
        Assert.False(ContextWire.HasWireEntries(Ambient.Capture(() => Local.Set("here"))));
        Assert.True(ContextWire.HasWireEntries(Ambient.Capture(() => Distributed.Set("there"))));
    }

    [Fact]
    public void Encode_NoWireEntries_IsEmpty_AndDecodesToNull()
    {
        var encoded = ContextWire.Encode(Ambient.Capture(() => Local.Set("here")));

        Assert.Empty(encoded);
        Assert.Null(ContextWire.Decode(encoded, Limit));
    }

    [Fact]
    public void Decode_OfEncode_CarriesTheDistributedEntriesOnly_AsANewSnapshot()
    {
        var sent = Ambient.Capture(() =>
        {
            Local.Set("here");
            Distributed.Set("there");
        });

        var received = ContextWire.Decode(ContextWire.Encode(sent), Limit);

        Assert.NotNull(received);
        Assert.NotSame(sent, received);
        var context = MessageContext.FromSnapshot(received);
        Assert.Equal("there", context.Run(() => Distributed.Get()));
        Assert.Equal("absent", context.Run(() => Local.Get("absent")));
    }

    [Fact]
    public void Decode_Truncated_ThrowsContextFormatException()
    {
        var encoded = ContextWire.Encode(Ambient.Capture(() => Distributed.Set("there")));

        Assert.Throws<ContextFormatException>(() => ContextWire.Decode(encoded.AsSpan(0, encoded.Length - 1), Limit));
    }
}
