using System.Collections;
using System.Diagnostics;
using ActorContext.OpenTelemetry;
using Akka.Actor;
using OpenTelemetry;
using OpenTelemetry.Trace;
using Xunit.Abstractions;

namespace ActorContext.Akka.Tests;

/// <summary>Activity listeners are process-wide: these tests run alone, so no other test's actors see them.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TracingCollection
{
    public const string Name = "tracing";
}

/// <summary>W3C trace context through actor hops: Activity.Current at send is the receiver's parent, with and without hop spans.</summary>
[Collection(TracingCollection.Name)]
public sealed class TracingTests(ITestOutputHelper output) : PropagationTestKit(output), IDisposable
{
    private const string EdgeSourceName = "ActorContext.Tests.Edge";
    private static readonly ActivitySource EdgeSource = new(EdgeSourceName);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private readonly Activity? _outer = Activity.Current;

    // ---------------------------------------------------------------- what a receiver saw

    private sealed record Seen(
        string Tag,
        ActivityTraceId TraceId,
        ActivitySpanId SpanId,
        ActivitySpanId ParentSpanId,
        ActivityTraceFlags Flags,
        string? TraceState,
        string Baggage,
        string OperationName,
        string RequestId,
        bool Running)
    {
        public static Seen Now(string tag)
        {
            var current = Activity.Current;
            return current is null
                ? new Seen(tag, default, default, default, default, null, string.Empty, "(none)", SeenId(), false)
                : new Seen(
                    tag,
                    current.TraceId,
                    current.SpanId,
                    current.ParentSpanId,
                    current.ActivityTraceFlags,
                    current.TraceStateString,
                    string.Join(",", current.Baggage.Select(b => $"{b.Key}={b.Value}")),
                    current.OperationName,
                    SeenId(),
                    !current.IsStopped);
        }
    }

    /// <summary>Reports what it saw; "block" waits for the gate so later messages queue up behind it.</summary>
    private sealed class Recorder : ReceiveActor
    {
        public Recorder(IActorRef probe, ManualResetEventSlim? gate = null)
        {
            Receive<string>(m => m == "block", _ => gate!.Wait(Timeout));
            Receive<string>(m => probe.Tell(Seen.Now(m)));
        }
    }

    private sealed class AsyncRecorder : ReceiveActor
    {
        public AsyncRecorder(IActorRef probe) =>
            ReceiveAsync<string>(async m =>
            {
                await Task.Delay(20);
                await Task.Yield();
                probe.Tell(Seen.Now(m));
            });
    }

    /// <summary>The 3-hop chain: Tell reaches the front, which Asks the back and pipes the reply to the sink.</summary>
    private sealed class Front : ReceiveActor
    {
        public Front(IActorRef back, IActorRef sink) =>
            Receive<string>(m => back.Ask<string>(m, Timeout).PipeTo(sink));
    }

    private sealed class Back : ReceiveActor
    {
        public Back() => Receive<string>(m => Sender.Tell(m + "-answered"));
    }

    private sealed class Failing : ReceiveActor
    {
        public Failing() => Receive<string>(m => throw new InvalidOperationException("boom " + m));
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

    private TracerProvider Tracing(ICollection<Activity> exported, Sampler? sampler = null) =>
        Sdk.CreateTracerProviderBuilder()
            .AddSource(EdgeSourceName)
            .AddActorContextInstrumentation()
            .SetSampler(sampler ?? new ParentBasedSampler(new AlwaysOnSampler()))
            .AddInMemoryExporter(exported)
            .Build()!;

    // ---------------------------------------------------------------- without hop spans

    [Fact]
    public void Receiver_RunsUnderTheSendersActivity_WhileItIsRunning()
    {
        var probe = CreateTestProbe();
        var recorder = Sys.ActorOf(Props.Create(() => new Recorder(probe.Ref, null)));

        var edge = StartEdge();
        recorder.Tell("traced");
        var seen = probe.ExpectMsg<Seen>(Timeout);
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

        var seen = probe.ExpectMsg<Seen>(Timeout);
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

        Assert.Equal(edge.TraceId, probe.ExpectMsg<Seen>(Timeout).TraceId);
        var after = probe.ExpectMsg<Seen>(Timeout);
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

        var seen = probe.ExpectMsg<Seen>(Timeout);
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

        var seen = probe.ExpectMsg<Seen>(Timeout);
        Assert.Equal(edge.TraceId, seen.TraceId);
        Assert.Equal(edge.SpanId, seen.ParentSpanId);
    }

    /// <summary>Starts (and leaves running) an Activity of its own in Receive, as careless user code might.</summary>
    private sealed class StartsItsOwnActivity : ReceiveActor
    {
        public StartsItsOwnActivity(IActorRef probe) => Receive<string>(m =>
        {
            new Activity("left-running").Start();
            probe.Tell(Seen.Now(m));
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
        var seen = probe.ExpectMsg<Seen>(Timeout);
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
            var seen = probe.ExpectMsg<Seen>(Timeout);
            Assert.Equal((edge.TraceId, edge.SpanId, "burst"), (seen.TraceId, seen.SpanId, seen.RequestId));
        }

        Assert.Equal("(none)", probe.ExpectMsg<Seen>(Timeout).OperationName);
        edge.Stop();
    }

    [Fact]
    public void NoActivity_NoTrace_ReceiverSeesNone()
    {
        var probe = CreateTestProbe();
        var recorder = Sys.ActorOf(Props.Create(() => new Recorder(probe.Ref, null)));
        Activity.Current = null;

        WithId("r-1", () => recorder.Tell("plain"));

        var seen = probe.ExpectMsg<Seen>(Timeout);
        Assert.Equal("(none)", seen.OperationName);
        Assert.Equal("r-1", seen.RequestId);
    }

    // ---------------------------------------------------------------- with hop spans (OpenTelemetry in-memory exporter)

    [Fact]
    public void TellAskPipeTo_Chain_IsOneTrace_WithParentChildLinks()
    {
        var exported = new LockedList();
        using var provider = Tracing(exported);
        var sink = CreateTestProbe();
        var back = Sys.ActorOf(Props.Create(() => new Back()), "back");
        var front = Sys.ActorOf(Props.Create(() => new Front(back, sink.Ref)), "front");

        ActivityTraceId traceId;
        ActivitySpanId rootSpan;
        using (var root = EdgeSource.StartActivity("request"))
        {
            Assert.NotNull(root);
            traceId = root.TraceId;
            rootSpan = root.SpanId;
            front.Tell("q");
        }

        Activity.Current = _outer;
        sink.ExpectMsg("q-answered", Timeout);

        // The sink is a TestKit probe (Akka's own actor): the hops that report spans are front and back.
        AwaitAssert(() => Assert.Equal(3, exported.Snapshot().Count(a => a.TraceId == traceId)), Timeout);
        var spans = exported.Snapshot().Where(a => a.TraceId == traceId).ToList();
        var request = spans.Single(a => a.OperationName == "request");
        var atFront = spans.Single(a => (string?)a.GetTagItem("akka.actor.path") == front.Path.ToString());
        var atBack = spans.Single(a => (string?)a.GetTagItem("akka.actor.path") == back.Path.ToString());

        Assert.Equal(rootSpan, request.SpanId);
        Assert.Equal(request.SpanId, atFront.ParentSpanId);
        Assert.Equal(atFront.SpanId, atBack.ParentSpanId);
        Assert.Equal("receive String", atFront.DisplayName);
        Assert.Equal(ActivityKind.Consumer, atFront.Kind);
        Assert.Equal("tell", atFront.GetTagItem("akka.hop"));
        Assert.Equal("ask", atBack.GetTagItem("akka.hop"));
        Assert.Equal(typeof(Back).FullName, atBack.GetTagItem("akka.actor.type"));
        Assert.Equal(typeof(string).FullName, atBack.GetTagItem("akka.message.type"));
    }

    [Fact]
    public void PipeTo_ToAnActor_IsAChildOfTheSpanThatPiped()
    {
        var exported = new LockedList();
        using var provider = Tracing(exported);
        var probe = CreateTestProbe();
        var sink = Sys.ActorOf(Props.Create(() => new Recorder(probe.Ref, null)), "pipe-sink");
        var back = Sys.ActorOf(Props.Create(() => new Back()), "pipe-back");
        var front = Sys.ActorOf(Props.Create(() => new Front(back, sink)), "pipe-front");

        ActivityTraceId traceId;
        using (var root = EdgeSource.StartActivity("request"))
        {
            traceId = root!.TraceId;
            front.Tell("p");
        }

        Activity.Current = _outer;
        var seen = probe.ExpectMsg<Seen>(Timeout);
        Assert.Equal(traceId, seen.TraceId);

        AwaitAssert(() => Assert.Equal(4, exported.Snapshot().Count(a => a.TraceId == traceId)), Timeout);
        var spans = exported.Snapshot().Where(a => a.TraceId == traceId).ToList();
        var atFront = spans.Single(a => (string?)a.GetTagItem("akka.actor.path") == front.Path.ToString());
        var atSink = spans.Single(a => (string?)a.GetTagItem("akka.actor.path") == sink.Path.ToString());
        Assert.Equal(atFront.SpanId, atSink.ParentSpanId);
        Assert.Equal(atSink.SpanId, seen.SpanId);
    }

    [Fact]
    public void UnsampledTrace_StaysUnsampled_AndNoHopSpanIsExported()
    {
        var exported = new LockedList();
        using var provider = Tracing(exported);
        var probe = CreateTestProbe();
        var recorder = Sys.ActorOf(Props.Create(() => new Recorder(probe.Ref, null)));

        var edge = StartEdge("unsampled-edge", ActivityTraceFlags.None);
        recorder.Tell("not sampled");
        edge.Stop();
        Activity.Current = _outer;

        var seen = probe.ExpectMsg<Seen>(Timeout);
        Assert.Equal(edge.TraceId, seen.TraceId);
        Assert.Equal(ActivityTraceFlags.None, seen.Flags);

        // A sampled trace sent afterwards is exported, so the unsampled one had its chance to be.
        using (var root = EdgeSource.StartActivity("sampled"))
        {
            recorder.Tell("sampled");
            var sampledTrace = root!.TraceId;
            Activity.Current = _outer;
            probe.ExpectMsg<Seen>(Timeout);
            AwaitAssert(() => Assert.Contains(exported.Snapshot(), a => a.TraceId == sampledTrace && a.OperationName != "sampled"), Timeout);
        }

        Assert.DoesNotContain(exported.Snapshot(), a => a.TraceId == edge.TraceId);
    }

    [Fact]
    public void HopSpan_CarriesBaggage_AndIsTheReceiversCurrentActivity()
    {
        var exported = new LockedList();
        using var provider = Tracing(exported);
        var probe = CreateTestProbe();
        var recorder = Sys.ActorOf(Props.Create(() => new Recorder(probe.Ref, null)));

        var edge = StartEdge();
        recorder.Tell("with baggage");
        edge.Stop();
        Activity.Current = _outer;

        var seen = probe.ExpectMsg<Seen>(Timeout);
        Assert.Equal("receive String", seen.OperationName);
        Assert.Equal(edge.SpanId, seen.ParentSpanId);
        Assert.Equal("tier=gold,user=u-1", seen.Baggage);
        Assert.Equal("vendor=abc", seen.TraceState);
        AwaitAssert(() => Assert.Contains(exported.Snapshot(), a => a.SpanId == seen.SpanId), Timeout);
    }

    [Fact]
    public void ThroughAnAkkaActor_AfterTheSenderStopped_TheNextHopsParentIsTheSendersSpan()
    {
        var exported = new LockedList();
        using var provider = Tracing(exported);
        var probe = CreateTestProbe();
        using var gate = new ManualResetEventSlim();
        var sink = Sys.ActorOf(Props.Create(() => new Recorder(probe.Ref, null)), "relay-sink");
        var relay = Sys.ActorOf(Props.Create(() => new global::Akka.ActorContextTestSupport.Relay(sink, gate)), "relay");

        ActivitySpanId edgeSpan;
        using (var root = EdgeSource.StartActivity("request"))
        {
            edgeSpan = root!.SpanId;
            relay.Tell("through");
        }

        // The relay runs (under a stand-in: no span of its own) only after the edge's span has ended.
        Activity.Current = _outer;
        gate.Set();
        var seen = probe.ExpectMsg<Seen>(Timeout);

        Assert.Equal(edgeSpan, seen.ParentSpanId);
        AwaitAssert(() => Assert.Contains(exported.Snapshot(), a => a.SpanId == seen.SpanId && a.ParentSpanId == edgeSpan), Timeout);
    }

    /// <summary>Starts a periodic timer from PreStart and reports what each tick runs under.</summary>
    private sealed class Ticking : ReceiveActor, IWithTimers
    {
        public Ticking(IActorRef probe) => Receive<string>(m => probe.Tell(Seen.Now(m)));

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
            var tick = probe.ExpectMsg<Seen>(Timeout);
            Assert.Equal("(none)", tick.OperationName);
            Assert.Equal("creator", tick.RequestId);
        }
    }

    [Fact]
    public void FailingReceive_MarksItsSpanAsError()
    {
        var exported = new LockedList();
        using var provider = Tracing(exported);
        var failing = Sys.ActorOf(Props.Create(() => new Failing()));

        ActivityTraceId traceId;
        using (var root = EdgeSource.StartActivity("request"))
        {
            traceId = root!.TraceId;
            EventFilter.Exception<InvalidOperationException>().ExpectOne(() => failing.Tell("x"));
        }

        Activity.Current = _outer;
        AwaitAssert(
            () =>
            {
                var span = Assert.Single(exported.Snapshot(), a => a.TraceId == traceId && a.OperationName != "request");
                Assert.Equal(ActivityStatusCode.Error, span.Status);
                Assert.Equal("boom x", span.StatusDescription);
            },
            Timeout);
    }

    [Fact]
    public void ActorsCreatedAndMessagedWithoutAnActivity_GetNoSpans()
    {
        var exported = new LockedList();
        using var provider = Tracing(exported);
        var probe = CreateTestProbe();
        var recorder = Sys.ActorOf(Props.Create(() => new Recorder(probe.Ref, null)));
        Activity.Current = null;

        WithId("r-2", () => recorder.Tell("plain"));

        Assert.Equal("(none)", probe.ExpectMsg<Seen>(Timeout).OperationName);
        Assert.Empty(exported.Snapshot());
    }

    void IDisposable.Dispose() => Activity.Current = _outer;

    /// <summary>The exporter appends from actor threads while the test reads.</summary>
    private sealed class LockedList : ICollection<Activity>
    {
        private readonly List<Activity> _items = [];

        public int Count
        {
            get
            {
                lock (_items)
                {
                    return _items.Count;
                }
            }
        }

        public bool IsReadOnly => false;

        public List<Activity> Snapshot()
        {
            lock (_items)
            {
                return [.. _items];
            }
        }

        public void Add(Activity item)
        {
            lock (_items)
            {
                _items.Add(item);
            }
        }

        public void Clear()
        {
            lock (_items)
            {
                _items.Clear();
            }
        }

        public bool Contains(Activity item) => Snapshot().Contains(item);

        public void CopyTo(Activity[] array, int arrayIndex) => Snapshot().CopyTo(array, arrayIndex);

        public bool Remove(Activity item)
        {
            lock (_items)
            {
                return _items.Remove(item);
            }
        }

        public IEnumerator<Activity> GetEnumerator() => Snapshot().GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
