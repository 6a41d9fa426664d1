using System.Diagnostics;
using Akka.Actor;
using Xunit.Abstractions;

namespace ActorContext.Akka.Tests;

/// <summary>W3C trace context through actor hops: Activity.Current at send is the receiver's parent (hop spans: ActorContext.OpenTelemetry.Tests).</summary>
[Collection(TracingCollection.Name)]
public sealed class TracingTests(ITestOutputHelper output) : PropagationTestKit(output), IDisposable
{
    private const string EdgeSourceName = "ActorContext.Tests.Edge";
    private static readonly ActivitySource EdgeSource = new(EdgeSourceName);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private readonly Activity? _outer = Activity.Current;

    /// <summary>Reports what it saw; "block" waits for the gate so later messages queue up behind it.</summary>
    private sealed class Recorder : ReceiveActor
    {
        public Recorder(IActorRef probe, ManualResetEventSlim? gate = null)
        {
            Receive<string>(m => m == "block", _ => gate!.Wait(Timeout));
            Receive<string>(m => probe.Tell(ActivitySeen.Now(m)));
        }
    }

    private sealed class AsyncRecorder : ReceiveActor
    {
        public AsyncRecorder(IActorRef probe) =>
            ReceiveAsync<string>(async m =>
            {
                await Task.Delay(20);
                await Task.Yield();
                probe.Tell(ActivitySeen.Now(m));
            });
    }

    private static Activity StartEdge(string name = "edge", ActivityTraceFlags flags = ActivityTraceFlags.Recorded)
    {
        // A remote-looking parent gives the edge a known trace id and flags, with or without a listener.
        var edge = new Activity(name);
        edge.SetParentId(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), flags);
        edge.TraceStateString = "vendor=abc";
        edge.AddBaggage("user", "u-1");
        edge.AddBaggage("tier", "gold");
        return edge.Start();
    }

    // ---------------------------------------------------------------- without hop spans

    [Fact]
    public void Receiver_RunsUnderTheSendersActivity_WhileItIsRunning()
    {
        var probe = CreateTestProbe();
        var recorder = Sys.ActorOf(Props.Create(() => new Recorder(probe.Ref, null)));

        var edge = StartEdge();
        recorder.Tell("traced");
        var seen = probe.ExpectMsg<ActivitySeen>(Timeout);
        edge.Stop();

        Assert.Equal(edge.TraceId, seen.TraceId);
        Assert.Equal(edge.SpanId, seen.SpanId);
        Assert.Equal("edge", seen.OperationName);
    }

    [Fact]
    public void Receiver_OfAStoppedSender_RunsUnderAStandInWithTheSendersIds()
    {
        var probe = CreateTestProbe();
        using var gate = new ManualResetEventSlim();
        var recorder = Sys.ActorOf(Props.Create(() => new Recorder(probe.Ref, gate)));
        recorder.Tell("block");

        var edge = StartEdge();
        WithId("r-7", () => recorder.Tell("traced"));
        edge.Stop();
        Activity.Current = _outer;
        gate.Set();

        var seen = probe.ExpectMsg<ActivitySeen>(Timeout);
        Assert.Equal(edge.TraceId, seen.TraceId);
        Assert.Equal(edge.SpanId, seen.ParentSpanId);
        Assert.Equal(ActivityTraceFlags.Recorded, seen.Flags);
        Assert.Equal("vendor=abc", seen.TraceState);
        Assert.Equal("tier=gold,user=u-1", seen.Baggage);
        Assert.Equal("ActorContext.Receive", seen.OperationName);
        Assert.Equal("r-7", seen.RequestId);
    }

    [Fact]
    public void NextMessage_WithoutATrace_SeesNoActivity_InTheSameMailboxRun()
    {
        var probe = CreateTestProbe();
        using var gate = new ManualResetEventSlim();
        var recorder = Sys.ActorOf(Props.Create(() => new Recorder(probe.Ref, gate)));
        recorder.Tell("block");

        var edge = StartEdge();
        recorder.Tell("traced");
        edge.Stop();
        Activity.Current = _outer;
        recorder.Tell("untraced");
        gate.Set();

        Assert.Equal(edge.TraceId, probe.ExpectMsg<ActivitySeen>(Timeout).TraceId);
        var after = probe.ExpectMsg<ActivitySeen>(Timeout);
        Assert.Equal("untraced", after.Tag);
        Assert.Equal("(none)", after.OperationName);
    }

    [Fact]
    public void Trace_CrossesAwaitsInReceiveAsync_AndSecondHops()
    {
        var probe = CreateTestProbe();
        var recorder = Sys.ActorOf(Props.Create(() => new AsyncRecorder(probe.Ref)));

        var edge = StartEdge();
        recorder.Tell("async");
        edge.Stop();
        Activity.Current = _outer;

        var seen = probe.ExpectMsg<ActivitySeen>(Timeout);
        Assert.Equal(edge.TraceId, seen.TraceId);
        Assert.Equal("tier=gold,user=u-1", seen.Baggage);
    }

    [Fact]
    public void ScheduledTell_CarriesTheTraceOfTheCodeThatScheduledIt()
    {
        var probe = CreateTestProbe();
        var recorder = Sys.ActorOf(Props.Create(() => new Recorder(probe.Ref, null)));

        var edge = StartEdge();
        Sys.Scheduler.ScheduleTellOnce(TimeSpan.FromMilliseconds(50), recorder, "timer", ActorRefs.NoSender);
        edge.Stop();
        Activity.Current = _outer;

        var seen = probe.ExpectMsg<ActivitySeen>(Timeout);
        Assert.Equal(edge.TraceId, seen.TraceId);
        Assert.Equal(edge.SpanId, seen.ParentSpanId);
    }

    /// <summary>Starts (and leaves running) an Activity of its own in Receive, as careless user code might.</summary>
    private sealed class StartsItsOwnActivity : ReceiveActor
    {
        public StartsItsOwnActivity(IActorRef probe) => Receive<string>(m =>
        {
            new Activity("left-running").Start();
            probe.Tell(ActivitySeen.Now(m));
        });
    }

    [Fact]
    public void OnTheCallersThread_TheCallersActivityAndContextAreBackAfterTell()
    {
        var probe = CreateTestProbe();
        var actor = Sys.ActorOf(Props.Create(() => new StartsItsOwnActivity(probe.Ref)).WithDispatcher(CallingThreadDispatcherId));

        var edge = StartEdge();
        WithId("caller", () =>
        {
            actor.Tell("on my thread");
            Assert.Same(edge, Activity.Current);
            Assert.Equal("caller", SeenId());
        });
        var seen = probe.ExpectMsg<ActivitySeen>(Timeout);
        edge.Stop();

        Assert.Equal(edge.TraceId, seen.TraceId);
        Assert.Equal("left-running", seen.OperationName);
    }

    [Fact]
    public void BurstOfMessagesUnderOneRequest_EachSeesTheTrace_AndTheNextUntracedOneSeesNone()
    {
        var probe = CreateTestProbe();
        using var gate = new ManualResetEventSlim();
        var recorder = Sys.ActorOf(Props.Create(() => new Recorder(probe.Ref, gate)));
        recorder.Tell("block");

        var edge = StartEdge();
        WithId("burst", () =>
        {
            for (var i = 0; i < 20; i++)
            {
                recorder.Tell($"m{i}");
            }
        });
        Activity.Current = _outer;
        recorder.Tell("untraced");
        gate.Set();

        for (var i = 0; i < 20; i++)
        {
            var seen = probe.ExpectMsg<ActivitySeen>(Timeout);
            Assert.Equal((edge.TraceId, edge.SpanId, "burst"), (seen.TraceId, seen.SpanId, seen.RequestId));
        }

        Assert.Equal("(none)", probe.ExpectMsg<ActivitySeen>(Timeout).OperationName);
        edge.Stop();
    }

    [Fact]
    public void NoActivity_NoTrace_ReceiverSeesNone()
    {
        var probe = CreateTestProbe();
        var recorder = Sys.ActorOf(Props.Create(() => new Recorder(probe.Ref, null)));
        Activity.Current = null;

        WithId("r-1", () => recorder.Tell("plain"));

        var seen = probe.ExpectMsg<ActivitySeen>(Timeout);
        Assert.Equal("(none)", seen.OperationName);
        Assert.Equal("r-1", seen.RequestId);
    }

    /// <summary>Starts a periodic timer from PreStart and reports what each tick runs under.</summary>
    private sealed class Ticking : ReceiveActor, IWithTimers
    {
        public Ticking(IActorRef probe) => Receive<string>(m => probe.Tell(ActivitySeen.Now(m)));

        public ITimerScheduler Timers { get; set; } = null!;

        protected override void PreStart() => Timers.StartPeriodicTimer("tick", "tick", TimeSpan.FromMilliseconds(20));
    }

    [Fact]
    public void ActorCreatedUnderARequest_ItsPeriodicTimerDoesNotRunInThatRequestsTrace()
    {
        var probe = CreateTestProbe();
        var edge = StartEdge();
        IActorRef ticking;
        WithId("creator", () => ticking = Sys.ActorOf(Props.Create(() => new Ticking(probe.Ref))));
        edge.Stop();
        Activity.Current = _outer;

        for (var i = 0; i < 3; i++)
        {
            var tick = probe.ExpectMsg<ActivitySeen>(Timeout);
            Assert.Equal("(none)", tick.OperationName);
            Assert.Equal("creator", tick.RequestId);
        }
    }

    void IDisposable.Dispose() => Activity.Current = _outer;
}
