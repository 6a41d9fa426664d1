using System.Diagnostics;
using ActorContext.Akka.Infrastructure;
using ActorContext.Akka.Internal;
using ActorContext.Infrastructure;

namespace ActorContext.Akka.Tests;

/// <summary>StreamCapture, the seam through which ActorContext.Streams captures and enters traces as the engine does.</summary>
public sealed class StreamCaptureTests : IDisposable
{
    private static readonly ContextVar<string> Value = new("stream-capture-value");

    private readonly Activity? _outer = Activity.Current;

    public void Dispose() => Activity.Current = _outer;

    [Fact]
    public void Current_WithoutActivity_CarriesNoTrace()
    {
        Activity.Current = null;
        var context = new MessageContext().Run(() =>
        {
            Value.Set("x");
            return StreamCapture.Current();
        });

        Assert.NotNull(context);
        Assert.Null(ContextSnapshots.GetTrace(context));
    }

    [Fact]
    public void CreateTraceStandIn_ContextCapturedUnderAnActivity_HasItsParentSpanAndBaggage()
    {
        TraceCapture.Watch();
        TraceCapture.MarkInUse();
        Assert.True(StreamCapture.TracesInUse);
        var sender = new Activity("stream-capture-sender");
        sender.SetParentId(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
        sender.AddBaggage("k", "v");
        sender.Start();
        var context = StreamCapture.Current();
        sender.Stop();

        Assert.NotNull(context);
        var trace = ContextSnapshots.GetTrace(context);
        Assert.NotNull(trace);
        var standIn = StreamCapture.CreateTraceStandIn(trace, "stand-in");

        Assert.Equal("stand-in", standIn.OperationName);
        Assert.Equal(sender.TraceId, standIn.TraceId);
        Assert.Equal(sender.SpanId, standIn.ParentSpanId);
        Assert.Equal("v", standIn.GetBaggageItem("k"));
    }
}
