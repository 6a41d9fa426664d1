using System.Diagnostics;
using ActorContext.Akka.Internal;
using Akka.Actor;

namespace ActorContext.Akka.Tests;

/// <summary>The trace capture policy: when Activity.Current becomes the trace entry a send carries, and the stand-ins a receiver runs under.</summary>
public sealed class TraceCaptureTests : IDisposable
{
    private static readonly ContextVar<string> RequestId = new("trace-capture-request-id");

    private readonly Activity? _outer = Activity.Current;

    private static Activity StartActivity()
    {
        var activity = new Activity("capture-test");
        activity.SetParentId(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), ActivityTraceFlags.Recorded);
        activity.TraceStateString = "a=1,b=2";
        activity.AddBaggage("k1", "v1");
        activity.AddBaggage("k2", null);
        return activity.Start();
    }

    private static readonly ContextVar<string> Value = new("trace-capture-value");

    private sealed record Ping;

    /// <summary>The context a send made now carries (the envelope a ref whose messages leave the process would send).</summary>
    /// <remarks>Boxed: the snapshot's type is internal to the core package, which this project does not see.</remarks>
    private static object? SentContext() =>
        MessageWithContext.Wrap(new Ping(), ActorRefs.NoSender) is ContextEnvelope envelope ? envelope.Context : null;

    [Fact]
    public void Attach_WithoutActivity_SendsTheContextAsItIs()
    {
        TraceCapture.Watch();
        TraceCapture.MarkInUse();
        Activity.Current = null;
        object? first = null, second = null;

        new MessageContext().Run(() =>
        {
            Value.Set("x");
            first = SentContext();
            second = SentContext();
        });

        Assert.NotNull(first);
        Assert.Same(first, second);
        Assert.Null(new MessageContext().Run(SentContext));
    }

    [Fact]
    public void Attach_WithActivity_AddsItAsTheTraceEntry_OnceForRepeatedSends()
    {
        TraceCapture.Watch();
        TraceCapture.MarkInUse();
        Activity.Current = null;
        object? untraced = null, first = null, second = null;
        string? seen = null;

        new MessageContext().Run(() =>
        {
            Value.Set("x");
            untraced = SentContext();
            StartActivity();
            var envelope = (ContextEnvelope)MessageWithContext.Wrap(new Ping(), ActorRefs.NoSender);
            first = envelope.Context;
            second = SentContext();
            Activity.Current = null;
            ScheduledContext.RunIn(envelope.Context, () => seen = Value.Get());
        });

        Assert.NotSame(untraced, first);
        Assert.Same(first, second);
        Assert.Equal("x", seen);
    }

    [Fact]
    public void Attach_NoContextButAnActivity_SendsAContextHoldingOnlyTheTrace()
    {
        TraceCapture.Watch();
        TraceCapture.MarkInUse();
        var visible = -1;

        new MessageContext().Run(() =>
        {
            StartActivity();
            var envelope = Assert.IsAssignableFrom<ContextEnvelope>(MessageWithContext.Wrap(new Ping(), ActorRefs.NoSender));
            ScheduledContext.RunIn(envelope.Context, () => visible = MessageContext.CopyCurrent().Count);
        });

        Assert.Equal(0, visible);
    }

    [Fact]
    public void TracedSends_ThreadKeepsNoRequestAlive()
    {
        TraceCapture.Watch();
        TraceCapture.MarkInUse();
        // The sending thread stays alive while the requests' values are checked: a thread's caches die with it.
        var weak = new List<WeakReference<object>>();
        using var sent = new ManualResetEventSlim();
        using var checkedAll = new ManualResetEventSlim();
        Thread thread;
        using (ExecutionContext.SuppressFlow())
        {
            thread = new Thread(() =>
            {
                weak.AddRange(TraceRequests());
                sent.Set();
                checkedAll.Wait(TimeSpan.FromSeconds(30));
            }) { IsBackground = true };
            thread.Start();
        }

        Assert.True(sent.Wait(TimeSpan.FromSeconds(30)));
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true);
            GC.WaitForPendingFinalizers();
        }

        var alive = weak.Count(w => w.TryGetTarget(out _));
        checkedAll.Set();
        thread.Join();
        Assert.Equal(0, alive);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static List<WeakReference<object>> TraceRequests()
    {
        var weak = new List<WeakReference<object>>();
        for (var i = 0; i < 3; i++)
        {
            var value = new string('v', 10 + i);
            using var activity = new Activity("request").SetIdFormat(ActivityIdFormat.W3C).Start();
            using (RequestId.Set(value))
            {
                // What every send does on this thread: derive the traced snapshot, twice (the second from the cache).
                var derived = SentContext();
                Assert.Same(derived, SentContext());
                weak.Add(new WeakReference<object>(value));
                weak.Add(new WeakReference<object>(derived!));
                weak.Add(new WeakReference<object>(activity));
            }
        }

        return weak;
    }

    public void Dispose() => Activity.Current = _outer;
}
