using System.Diagnostics;
using System.Threading.Channels;
using ActorContext.Remote.Tests.Support;
using Akka.Actor;
using Akka.Event;

namespace ActorContext.Remote.Tests;

/// <summary>The W3C trace crosses nodes inside the context's wire format: ids, flags, trace state and baggage.</summary>
[Collection(ClusterCollection.Name)]
public sealed class TracingAcrossNodesTests(ClusterFixture cluster) : ClusterTest(cluster), IDisposable
{
    private const string EdgeSourceName = "ActorContext.Remote.Tests.Edge";
    private static readonly ActivitySource EdgeSource = new(EdgeSourceName);

    private readonly Activity? _outer = Activity.Current;

    /// <summary>What the receiver's Activity.Current looked like (strings: it crosses back to the asking node).</summary>
    public sealed record TraceSeen(string Tag, string Node, string TraceId, string SpanId, string ParentSpanId, string Flags, string? TraceState, string Baggage, string OperationName);

    public sealed record TraceProbe(string Tag);

    public sealed class TraceReporter : ReceiveActor
    {
        public TraceReporter()
        {
            var node = Vars.NodeOf(Context.System);
            Receive<TraceProbe>(p =>
            {
                var a = Activity.Current;
                Sender.Tell(a is null
                    ? new TraceSeen(p.Tag, node, "-", "-", "-", "-", null, string.Empty, "(none)")
                    : new TraceSeen(
                        p.Tag,
                        node,
                        a.TraceId.ToHexString(),
                        a.SpanId.ToHexString(),
                        a.ParentSpanId.ToHexString(),
                        a.ActivityTraceFlags.ToString(),
                        a.TraceStateString,
                        string.Join(",", a.Baggage.Select(b => $"{b.Key}={b.Value}")),
                        a.OperationName));
            });
        }
    }

    private async Task<IActorRef> RemoteReporterAsync()
    {
        var name = $"trace-reporter-{Guid.NewGuid():N}";
        Cluster.Nodes[1].ActorOf(Props.Create<TraceReporter>(), name);
        return await RefAsync(0, 1, name);
    }

    private static Activity StartEdge(ActivityTraceFlags flags, string baggageValue = "u-1")
    {
        var edge = new Activity("edge");
        edge.SetParentId(ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom(), flags);
        edge.TraceStateString = "vendor=abc";
        edge.AddBaggage("user", baggageValue);
        edge.AddBaggage("tier", "gold");
        return edge.Start();
    }

    [Fact]
    public async Task Ask_ToAnotherNode_ReceiverRunsUnderTheSendersTrace()
    {
        var reporter = await RemoteReporterAsync();

        var edge = StartEdge(ActivityTraceFlags.Recorded);
        var seen = await reporter.Ask<TraceSeen>(new TraceProbe("remote"), Timeout);
        edge.Stop();
        Activity.Current = _outer;

        Assert.Equal(NodeName(1), seen.Node);
        Assert.Equal(edge.TraceId.ToHexString(), seen.TraceId);
        Assert.Equal(edge.SpanId.ToHexString(), seen.ParentSpanId);
        Assert.Equal(nameof(ActivityTraceFlags.Recorded), seen.Flags);
        Assert.Equal("vendor=abc", seen.TraceState);
        Assert.Equal("tier=gold,user=u-1", seen.Baggage);
    }

    [Fact]
    public async Task UnsampledTrace_CrossesNodes_Unsampled()
    {
        var reporter = await RemoteReporterAsync();

        var edge = StartEdge(ActivityTraceFlags.None);
        var seen = await reporter.Ask<TraceSeen>(new TraceProbe("unsampled"), Timeout);
        edge.Stop();
        Activity.Current = _outer;

        Assert.Equal(edge.TraceId.ToHexString(), seen.TraceId);
        Assert.Equal(nameof(ActivityTraceFlags.None), seen.Flags);
    }

    [Fact]
    public async Task TwoNodeHop_WithHopSpans_KeepsTheTrace()
    {
        using var spans = new SpanCapture(EdgeSourceName);
        var reporter = await RemoteReporterAsync();

        TraceSeen seen;
        ActivitySpanId rootSpan;
        using (var root = EdgeSource.StartActivity("request"))
        {
            Assert.NotNull(root);
            rootSpan = root.SpanId;
            seen = await reporter.Ask<TraceSeen>(new TraceProbe("spans"), Timeout);
        }

        Activity.Current = _outer;
        Assert.Equal("receive TraceProbe", seen.OperationName);
        Assert.Equal(rootSpan.ToHexString(), seen.ParentSpanId);

        // The hop span on node 2 is exported when its Receive returns; the test process hosts every node.
        var hop = (await Wait.ForAsync(
            () => spans.Exported.FirstOrDefault(a => a.SpanId.ToHexString() == seen.SpanId),
            static found => found is not null,
            Timeout,
            "the hop span on node 2",
            _ => $"{spans.Exported.Count} other spans"))!;

        Assert.Equal(seen.TraceId, hop.TraceId.ToHexString());
        Assert.Equal(rootSpan, hop.ParentSpanId);
        Assert.Equal("ask", hop.GetTagItem("akka.hop"));
        Assert.Equal(typeof(TraceReporter).FullName, hop.GetTagItem("akka.actor.type"));
    }

    [Fact]
    public async Task OversizedBaggage_TheMessageGoesWithoutItsTrace_AndAWarningSaysSo()
    {
        var warnings = Channel.CreateUnbounded<string>();
        var listener = Cluster.Nodes[0].ActorOf(Props.Create(() => new WarningListener(warnings.Writer)));
        Cluster.Nodes[0].EventStream.Subscribe(listener, typeof(Warning));
        try
        {
            var reporter = await RemoteReporterAsync();
            var (sink, deliveries) = NewSink(0);

            var edge = StartEdge(ActivityTraceFlags.Recorded, baggageValue: new string('x', DistributedContext.MaxEncodedBytes));
            new MessageContext().Run(() =>
            {
                Vars.RequestId.Set("r-big-trace");
                reporter.Tell(new TraceProbe("too big"), sink);
            });
            edge.Stop();
            Activity.Current = _outer;

            var delivered = await deliveries.WaitForAsync(static d => d.Message is TraceSeen, Timeout, "the message with the oversized trace");
            var seen = (TraceSeen)delivered.Message;
            Assert.Equal("too big", seen.Tag);
            Assert.Equal("(none)", seen.OperationName);
            Assert.Contains("rid=r-big-trace", delivered.Reading, StringComparison.Ordinal); // the context itself crossed

            using var cancel = new CancellationTokenSource(Timeout);
            string warning;
            do
            {
                warning = await warnings.Reader.ReadAsync(cancel.Token);
            }
            while (!warning.Contains("without its trace", StringComparison.Ordinal));

            Assert.Contains("baggage", warning, StringComparison.Ordinal);
        }
        finally
        {
            Cluster.Nodes[0].EventStream.Unsubscribe(listener);
            Cluster.Nodes[0].Stop(listener);
        }
    }

    private sealed class WarningListener : ReceiveActor
    {
        public WarningListener(ChannelWriter<string> warnings) => Receive<Warning>(w => warnings.TryWrite(w.Message?.ToString() ?? string.Empty));
    }

    public void Dispose() => Activity.Current = _outer;
}
