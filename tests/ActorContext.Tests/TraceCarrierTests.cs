using System.Diagnostics;

namespace ActorContext.Tests;

/// <summary>The trace entry: its value frozen from an Activity, its place in a snapshot, and its wire encoding.</summary>
public sealed class TraceCarrierTests : IDisposable
{
    private readonly Activity? _outer = Activity.Current;

    private static Activity StartActivity(ActivityTraceFlags flags = ActivityTraceFlags.Recorded, string? traceState = "a=1,b=2")
    {
        var activity = new Activity("carrier-test");
        activity.SetParentId(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), flags);
        activity.TraceStateString = traceState;
        activity.AddBaggage("k1", "v1");
        activity.AddBaggage("k2", null);
        activity.AddBaggage("k1", "shadowed-by-nothing"); // same key twice: enumeration order decides which wins
        return activity.Start();
    }

    /// <summary><paramref name="context"/> with <paramref name="activity"/> as its trace entry, as a send under it carries it.</summary>
    private static ContextSnapshot Traced(ContextSnapshot? context, Activity activity) =>
        (context ?? ContextSnapshot.Empty).With(TraceCarrier.Var, TraceParent.Freeze(activity));

    private static byte[] EncodeTraceOf(Activity activity)
    {
        var snapshot = ContextSnapshot.Empty.With(TraceCarrier.Var, TraceParent.Freeze(activity));
        return ContextWireFormat.Encode(snapshot);
    }

    [Fact]
    public void TraceField_FollowsSetReplaceAndRemove()
    {
        var first = TraceParent.Freeze(StartActivity());
        var second = TraceParent.Freeze(StartActivity());
        var withFirst = ContextSnapshot.Empty.With(new ContextVar<int>("carrier-c"), 1).With(TraceCarrier.Var, first);

        Assert.Same(first, withFirst.Trace);
        Assert.Same(second, withFirst.With(TraceCarrier.Var, second).Trace);
        Assert.Null(withFirst.Without(TraceCarrier.Var).Trace);
        Assert.Same(first, withFirst.WithOwner(new object()).Trace);
    }

    [Fact]
    public void Wire_RoundTrip_KeepsIdsFlagsTraceStateAndBaggage()
    {
        var activity = StartActivity();

        var decoded = ContextWireFormat.Decode(EncodeTraceOf(activity), DistributedContext.MaxEncodedBytes)!;

        var remote = decoded.Trace!;
        Assert.Null(remote.Local);
        Assert.Equal(activity.TraceId, remote.Context.TraceId);
        Assert.Equal(activity.SpanId, remote.Context.SpanId);
        Assert.Equal(ActivityTraceFlags.Recorded, remote.Context.TraceFlags);
        Assert.Equal("a=1,b=2", remote.Context.TraceState);
        Assert.True(remote.Context.IsRemote);
        Assert.Equal(activity.Baggage.ToArray(), remote.Baggage);
    }

    [Fact]
    public void Wire_UnsampledAndNoTraceState_RoundTrip()
    {
        var activity = StartActivity(ActivityTraceFlags.None, traceState: null);

        var remote = ContextWireFormat.Decode(EncodeTraceOf(activity), DistributedContext.MaxEncodedBytes)!.Trace!;

        Assert.Equal(ActivityTraceFlags.None, remote.Context.TraceFlags);
        Assert.Null(remote.Context.TraceState);
    }

    [Fact]
    public void Wire_RemoteParentEncodesAgain_ForTheNextNode()
    {
        var activity = StartActivity();
        var onceDecoded = ContextWireFormat.Decode(EncodeTraceOf(activity), DistributedContext.MaxEncodedBytes)!;
        var reencoded = ContextWireFormat.Encode(ContextSnapshot.Empty.With(TraceCarrier.Var, onceDecoded.Trace));

        Assert.Equal(EncodeTraceOf(activity), reencoded);
    }

    [Fact]
    public void Wire_EveryTruncationAndEveryByteFlip_DecodesOrThrowsTheTypedError()
    {
        var encoded = EncodeTraceOf(StartActivity());
        for (var length = 0; length < encoded.Length; length++)
        {
            var truncated = encoded[..length];
            if (length == 0)
            {
                Assert.Null(ContextWireFormat.Decode(truncated, DistributedContext.MaxEncodedBytes));
                continue;
            }

            Assert.Throws<ContextFormatException>(() => ContextWireFormat.Decode(truncated, DistributedContext.MaxEncodedBytes));
        }

        var random = new Random(7);
        for (var i = 0; i < 2_000; i++)
        {
            var mutated = (byte[])encoded.Clone();
            mutated[random.Next(mutated.Length)] ^= (byte)random.Next(1, 256);
            try
            {
                ContextWireFormat.Decode(mutated, DistributedContext.MaxEncodedBytes);
            }
            catch (ContextFormatException)
            {
            }
        }
    }

    [Fact]
    public void Wire_AllZeroTraceId_IsRejected()
    {
        var encoded = EncodeTraceOf(StartActivity());
        // version, entry count, kind, name length, name, value tag, codec length (one byte each but the name).
        var payloadStart = 1 + 1 + 1 + 1 + TraceCarrier.VarName.Length + 1 + 1;
        Assert.Equal(1, encoded[payloadStart]); // the trace entry's own version byte
        Array.Clear(encoded, payloadStart + 1, 16);

        var error = Assert.Throws<ContextFormatException>(() => ContextWireFormat.Decode(encoded, DistributedContext.MaxEncodedBytes));
        Assert.Contains("all-zero", error.Message);
    }

    [Fact]
    public void Entry_IsFrozenWhenAttached_BaggageAddedLaterChangesNeitherItsSizeNorItsBytes()
    {
        var activity = StartActivity();
        var attached = Traced(ContextSnapshot.Empty.With(new ContextVar<string>("carrier-d", ContextScope.Distributed), "x"), activity);
        var size = attached.WireSize;

        activity.AddBaggage("late", new string('z', 100));
        var encoded = ContextWireFormat.Encode(attached);

        Assert.Equal(size, encoded.Length);
        var decoded = ContextWireFormat.Decode(encoded, DistributedContext.MaxEncodedBytes)!;
        Assert.DoesNotContain(decoded.Trace!.Baggage, b => b.Key == "late");
    }

    [Theory]
    [InlineData("a=1\r\nX-Injected: yes")]
    [InlineData("caf\u00e9=1")]
    public void InvalidTraceState_IsDroppedNotCarried(string traceState)
    {
        var activity = StartActivity(traceState: null);
        activity.TraceStateString = traceState;

        var frozen = TraceParent.Freeze(activity);

        Assert.Null(frozen.Context.TraceState);
        Assert.Null(TraceCarrier.ValidTraceState(new string('a', TraceCarrier.MaxTraceStateLength + 1)));
        Assert.Equal("k=v", TraceCarrier.ValidTraceState("k=v"));
    }

    [Fact]
    public void UserSet_IsNotRefusedBecauseOfTheTracesBaggage()
    {
        var activity = StartActivity();
        activity.AddBaggage("big", new string('b', DistributedContext.MaxEncodedBytes - 200));
        var var = new ContextVar<string>("carrier-e", ContextScope.Distributed);

        var attached = Traced(null, activity);
        var withValue = attached.WithChecked(var, new string('v', 300));

        Assert.True(withValue.WireSize > DistributedContext.MaxEncodedBytes);
        Assert.Throws<ContextTooLargeException>(() => attached.WithChecked(var, new string('v', DistributedContext.MaxEncodedBytes)));
    }

    [Fact]
    public void MessageContext_HidesTheTraceEntry_ButRunKeepsIt()
    {
        var var = new ContextVar<string>("carrier-f");
        var traced = Traced(ContextSnapshot.Empty.With(var, "x"), StartActivity());
        var previous = ContextSnapshot.Current;
        ContextSnapshot.Current = traced;
        MessageContext copy;
        try
        {
            copy = MessageContext.CopyCurrent();
        }
        finally
        {
            ContextSnapshot.Current = previous;
        }

        var untraced = new MessageContext();
        untraced.Run(() => var.Set("x"));

        Assert.Single(copy);
        Assert.Same(var, Assert.Single(copy.Keys));
        Assert.Equal("{carrier-f=x}", copy.ToString());
        Assert.Null(copy.Lookup(TraceCarrier.VarName));
        Assert.Equal(untraced, copy);
        Assert.Equal(untraced.GetHashCode(), copy.GetHashCode());
        Assert.NotNull(copy.Run(() => ContextSnapshot.Current!.Trace));
    }

    [Fact]
    public void Wire_TraceEntryWithoutAValue_IsRejected()
    {
        var name = System.Text.Encoding.UTF8.GetBytes(TraceCarrier.VarName);
        byte[] payload = [1, 1, 0, (byte)name.Length, .. name, 0];

        var error = Assert.Throws<ContextFormatException>(() => ContextWireFormat.Decode(payload, DistributedContext.MaxEncodedBytes));
        Assert.Contains("no trace", error.Message);
    }

    public void Dispose() => Activity.Current = _outer;
}
