using System.Diagnostics;
using Akka.Actor;
using Xunit.Abstractions;

namespace ActorContext.OpenTelemetry.Tests;

/// <summary>Hop spans exported through OpenTelemetry with <c>AddActorContextInstrumentation</c>: one span per traced receive, parented on the sender's span.</summary>
[Collection(TracingCollection.Name)]
public sealed class HopSpanTests(ITestOutputHelper output) : ContextTestKit(output), IDisposable
{
    private const string EdgeSourceName = "ActorContext.OpenTelemetry.Tests.Edge";
    private static readonly ActivitySource EdgeSource = new(EdgeSourceName);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private readonly Activity? _outer = Activity.Current;

    /// <summary>Reports what it saw.</summary>
    private sealed class Recorder : ReceiveActor
    {
        public Recorder(IActorRef probe) => Receive<string>(m => probe.Tell(ActivitySeen.Now(m)));
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

    [Fact]
    public void TellAskPipeTo_Chain_IsOneTrace_WithParentChildLinks()
    {
        using var capture = new SpanCapture(EdgeSourceName);
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
        AwaitAssert(() => Assert.Equal(3, capture.Exported.Count(a => a.TraceId == traceId)), Timeout);
        var spans = capture.Exported.Where(a => a.TraceId == traceId).ToList();
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
        using var capture = new SpanCapture(EdgeSourceName);
        var probe = CreateTestProbe();
        var sink = Sys.ActorOf(Props.Create(() => new Recorder(probe.Ref)), "pipe-sink");
        var back = Sys.ActorOf(Props.Create(() => new Back()), "pipe-back");
        var front = Sys.ActorOf(Props.Create(() => new Front(back, sink)), "pipe-front");

        ActivityTraceId traceId;
        using (var root = EdgeSource.StartActivity("request"))
        {
            traceId = root!.TraceId;
            front.Tell("p");
        }

        Activity.Current = _outer;
        var seen = probe.ExpectMsg<ActivitySeen>(Timeout);
        Assert.Equal(traceId, seen.TraceId);

        AwaitAssert(() => Assert.Equal(4, capture.Exported.Count(a => a.TraceId == traceId)), Timeout);
        var spans = capture.Exported.Where(a => a.TraceId == traceId).ToList();
        var atFront = spans.Single(a => (string?)a.GetTagItem("akka.actor.path") == front.Path.ToString());
        var atSink = spans.Single(a => (string?)a.GetTagItem("akka.actor.path") == sink.Path.ToString());
        Assert.Equal(atFront.SpanId, atSink.ParentSpanId);
        Assert.Equal(atSink.SpanId, seen.SpanId);
    }


    [Fact]
    public void UnsampledTrace_StaysUnsampled_AndNoHopSpanIsExported()
    {
        using var capture = new SpanCapture(EdgeSourceName);
        var probe = CreateTestProbe();
        var recorder = Sys.ActorOf(Props.Create(() => new Recorder(probe.Ref)));

        var edge = StartEdge("unsampled-edge", ActivityTraceFlags.None);
        recorder.Tell("not sampled");
        edge.Stop();
        Activity.Current = _outer;

        var seen = probe.ExpectMsg<ActivitySeen>(Timeout);
        Assert.Equal(edge.TraceId, seen.TraceId);
        Assert.Equal(ActivityTraceFlags.None, seen.Flags);

        // A sampled trace sent afterwards is exported, so the unsampled one had its chance to be.
        using (var root = EdgeSource.StartActivity("sampled"))
        {
            recorder.Tell("sampled");
            var sampledTrace = root!.TraceId;
            Activity.Current = _outer;
            probe.ExpectMsg<ActivitySeen>(Timeout);
            AwaitAssert(() => Assert.Contains(capture.Exported, a => a.TraceId == sampledTrace && a.OperationName != "sampled"), Timeout);
        }

        Assert.DoesNotContain(capture.Exported, a => a.TraceId == edge.TraceId);
    }


    [Fact]
    public void HopSpan_CarriesBaggage_AndIsTheReceiversCurrentActivity()
    {
        using var capture = new SpanCapture(EdgeSourceName);
        var probe = CreateTestProbe();
        var recorder = Sys.ActorOf(Props.Create(() => new Recorder(probe.Ref)));

        var edge = StartEdge();
        recorder.Tell("with baggage");
        edge.Stop();
        Activity.Current = _outer;

        var seen = probe.ExpectMsg<ActivitySeen>(Timeout);
        Assert.Equal("receive String", seen.OperationName);
        Assert.Equal(edge.SpanId, seen.ParentSpanId);
        Assert.Equal("tier=gold,user=u-1", seen.Baggage);
        Assert.Equal("vendor=abc", seen.TraceState);
        AwaitAssert(() => Assert.Contains(capture.Exported, a => a.SpanId == seen.SpanId), Timeout);
    }


    [Fact]
    public void ThroughAnAkkaActor_AfterTheSenderStopped_TheNextHopsParentIsTheSendersSpan()
    {
        using var capture = new SpanCapture(EdgeSourceName);
        var probe = CreateTestProbe();
        using var gate = new ManualResetEventSlim();
        var sink = Sys.ActorOf(Props.Create(() => new Recorder(probe.Ref)), "relay-sink");
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
        var seen = probe.ExpectMsg<ActivitySeen>(Timeout);

        Assert.Equal(edgeSpan, seen.ParentSpanId);
        AwaitAssert(() => Assert.Contains(capture.Exported, a => a.SpanId == seen.SpanId && a.ParentSpanId == edgeSpan), Timeout);
    }


    [Fact]
    public void FailingReceive_MarksItsSpanAsError()
    {
        using var capture = new SpanCapture(EdgeSourceName);
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
                var span = Assert.Single(capture.Exported, a => a.TraceId == traceId && a.OperationName != "request");
                Assert.Equal(ActivityStatusCode.Error, span.Status);
                Assert.Equal("boom x", span.StatusDescription);
            },
            Timeout);
    }


    [Fact]
    public void ActorsCreatedAndMessagedWithoutAnActivity_GetNoSpans()
    {
        using var capture = new SpanCapture(EdgeSourceName);
        var probe = CreateTestProbe();
        var recorder = Sys.ActorOf(Props.Create(() => new Recorder(probe.Ref)));
        Activity.Current = null;

        WithId("r-2", () => recorder.Tell("plain"));

        Assert.Equal("(none)", probe.ExpectMsg<ActivitySeen>(Timeout).OperationName);
        Assert.Empty(capture.Exported);
    }

    void IDisposable.Dispose() => Activity.Current = _outer;
}
