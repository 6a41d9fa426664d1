using ActorContext.Akka.Infrastructure;
using ActorContext.Infrastructure;
using ActorContext.Remote.Tests.Support;
using ActorContext.Remote;
using Akka.Actor;

namespace ActorContext.Remote.Tests;

/// <summary>
/// The serializer's context caches: a snapshot sent many times is encoded once, the same context bytes received again
/// on a thread decode to the same snapshot, and neither keeps a context alive that nothing else holds.
/// </summary>
public sealed class ContextWireCacheTests : IAsyncLifetime
{
    // Counts its calls, so a test can see whether a value was encoded or decoded again.
    private sealed class CountingCodec : IContextCodec<string>
    {
        public int Encodes;
        public int Decodes;

        public byte[] Encode(string value)
        {
            Interlocked.Increment(ref Encodes);
            return System.Text.Encoding.UTF8.GetBytes(value);
        }

        public string Decode(ReadOnlySpan<byte> bytes)
        {
            Interlocked.Increment(ref Decodes);
            return System.Text.Encoding.UTF8.GetString(bytes);
        }
    }

    private static readonly CountingCodec Codec = new();
    private static readonly ContextVar<string> Counted = new("cluster-wire-cache-counted", Codec);

    private readonly ActorSystem _system = ActorSystem.Create("wire-cache");
    private ContextEnvelopeSerializer _serializer = null!;

    public Task InitializeAsync()
    {
        _serializer = new ContextEnvelopeSerializer((ExtendedActorSystem)_system);
        return Task.CompletedTask;
    }

    public Task DisposeAsync() => _system.Terminate();

    // What the engine hands the serializer, opened through the engine's transport seam.
    private sealed record Opened(object Envelope, object Message, ContextSnapshot Context);

    private static Opened Open(object envelope)
    {
        Assert.True(TransportSupport.TryOpen(envelope, out var message, out var context), $"not an envelope: {envelope}");
        return new Opened(envelope, message, context);
    }

    private static Opened Envelope(string message, Action set) => Open(new MessageContext().Run(() =>
    {
        set();
        return TransportSupport.Wrap(message, ActorRefs.NoSender);
    }));

    private static object EnvelopeOf(string message, Action set) => Envelope(message, set).Envelope;

    private Opened RoundTrip(byte[] frame) => Open(_serializer.FromBinary(frame, "C"));

    [Fact]
    public void ToBinary_SameContextTwice_EncodesItOnce()
    {
        var context = Envelope("m", () => Counted.Set("once")).Context;
        var before = Volatile.Read(ref Codec.Encodes);

        var first = _serializer.ToBinary(TransportSupport.Envelope("a", context));
        var afterFirst = Volatile.Read(ref Codec.Encodes);
        var second = _serializer.ToBinary(TransportSupport.Envelope("a", context));

        Assert.Equal(afterFirst, Volatile.Read(ref Codec.Encodes));
        Assert.True(afterFirst > before);
        Assert.Equal(first, second);
    }

    [Fact]
    public void ToBinary_ThreeContextsInTurn_EncodesEachOnce()
    {
        // As a dispatcher thread sends under the snapshots its sibling threads decoded for the same request.
        var contexts = new[] { "x", "y", "z" }.Select(value => Envelope("m", () => Counted.Set(value))).ToArray();
        foreach (var envelope in contexts)
        {
            _serializer.ToBinary(TransportSupport.Envelope("warm", envelope.Context));
        }

        var before = Volatile.Read(ref Codec.Encodes);
        for (var round = 0; round < 3; round++)
        {
            foreach (var envelope in contexts)
            {
                _serializer.ToBinary(TransportSupport.Envelope("m", envelope.Context));
            }
        }

        Assert.Equal(before, Volatile.Read(ref Codec.Encodes));
    }

    [Fact]
    public void FromBinary_SameContextBytesAgain_ReturnsTheSameContext_OtherBytesDecodeAfresh()
    {
        var one = _serializer.ToBinary(EnvelopeOf("m", () => Vars.RequestId.Set("one")));
        var two = _serializer.ToBinary(EnvelopeOf("m", () => Vars.RequestId.Set("two")));

        var a = RoundTrip(one);
        var b = RoundTrip(one.ToArray());
        var c = RoundTrip(two);

        Assert.Same(a.Context, b.Context);
        Assert.NotSame(a.Context, c.Context);
        var previous = ContextSnapshots.Current;
        ContextSnapshots.Restore(c.Context);
        var value = Vars.RequestId.Get();
        ContextSnapshots.Restore(previous);
        Assert.Equal("two", value);
    }

    [Fact]
    public void ToBinary_ContextDecodedFromAFrame_SendsTheReceivedBytesWithoutEncodingAgain()
    {
        var frame = _serializer.ToBinary(EnvelopeOf("m", () => Counted.Set("forwarded")));
        var received = RoundTrip(frame);
        var before = Volatile.Read(ref Codec.Encodes);

        var forwarded = _serializer.ToBinary(TransportSupport.Envelope("m", received.Context));

        Assert.Equal(before, Volatile.Read(ref Codec.Encodes));
        Assert.Equal(frame, forwarded);
    }

    [Fact]
    public void FromBinary_KeepsNothingAliveOnTheThreadOnceTheContextIsUnused()
    {
        var frame = _serializer.ToBinary(EnvelopeOf("m", () => Vars.RequestId.Set("held-value")));

        var weak = DecodeAndDrop(frame);

        for (var i = 0; i < 3; i++)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true);
            GC.WaitForPendingFinalizers();
        }

        Assert.False(weak.TryGetTarget(out _), "the thread's decode cache kept a context nobody uses alive");
    }

    [Fact]
    public void ToBinary_KeepsNothingAliveOnTheThreadOnceTheContextIsUnused()
    {
        var weak = EncodeAndDrop();

        for (var i = 0; i < 3; i++)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true);
            GC.WaitForPendingFinalizers();
        }

        Assert.False(weak.TryGetTarget(out _), "the thread's encode cache kept a context nobody uses alive");
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private WeakReference<object> EncodeAndDrop()
    {
        var context = Envelope("m", () => Vars.RequestId.Set("sent-value")).Context;
        _serializer.ToBinary(TransportSupport.Envelope("a", context));
        _serializer.ToBinary(TransportSupport.Envelope("b", context));
        return new WeakReference<object>(context);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private WeakReference<object> DecodeAndDrop(byte[] frame)
    {
        var decoded = RoundTrip(frame).Context;
        Assert.Same(decoded, RoundTrip(frame.ToArray()).Context);
        return new WeakReference<object>(decoded);
    }
}
