using System.Collections.Concurrent;
using System.Diagnostics;
using Akka.Streams;
using Akka.Streams.Dsl;
using Xunit.Abstractions;

namespace ActorContext.Streams.Tests;

/// <summary>Akka.Streams' own per-element Activities and the element's context name the same request.</summary>
public class TracingAgreementTests(ITestOutputHelper output) : StreamContextTestKit(output), IDisposable
{
    private const int Elements = 30;

    private readonly ActivityListener _listener = Listen();

    private static ActivityListener Listen()
    {
        // Akka.Streams emits its stage spans once its source has a listener (as OpenTelemetry's AddSource("Akka.Streams") does).
        var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "Akka.Streams",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        return listener;
    }

    [Fact]
    public async Task SelectAsyncResultsCompletingOutOfOrder_WithStreamTracingOn_StagesSeeTheTraceOfTheRequestTheirIdNames()
    {
        var traces = new ConcurrentDictionary<int, ActivityTraceId>();
        var seen = new ConcurrentQueue<(int Element, string Id, ActivityTraceId? Trace)>();
        var (queue, done) = Source.Queue<int>(Elements, OverflowStrategy.Backpressure)
            .Throttle(20, TimeSpan.FromMilliseconds(100), 1, ThrottleMode.Shaping)
            .SelectAsync(8, async e =>
            {
                await Task.Delay(e % 3 == 0 ? 30 : 1);
                return e;
            })
            .Select(e =>
            {
                seen.Enqueue((e, Seen(), Activity.Current?.TraceId));
                return e;
            })
            .ToMaterialized(Sink.Ignore<int>(), Keep.Both)
            .Run(Materializer);
        await Task.Delay(200);

        await OfferConcurrently(Elements, async e =>
        {
            using var request = new Activity("request").Start();
            traces[e] = request.TraceId;
            await queue.OfferAsync(e);
        });
        queue.Complete();
        await done.WaitAsync(Timeout);

        Assert.Equal(Elements, seen.Count);
        var mismatches = seen
            .Where(s => s.Id != IdOf(s.Element) || s.Trace != traces[s.Element])
            .Select(s => $"element {s.Element}: id {s.Id}, trace {(s.Trace is { } t && traces.FirstOrDefault(p => p.Value == t) is var owner && owner.Value == t ? $"of element {owner.Key}" : "none")}")
            .ToList();
        AssertNone(mismatches);
    }

    public new void Dispose()
    {
        _listener.Dispose();
        base.Dispose();
    }
}
