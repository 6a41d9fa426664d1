using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using Xunit.Abstractions;

namespace ActorContext.Streams.Tests;

public class SourceQueueTests(ITestOutputHelper output) : StreamContextTestKit(output)
{
    private const int Elements = 40;

    [Fact]
    public async Task OfferAsync_ConcurrentCallersThroughThrottleSelectWhereSelectAsyncAsk_EveryStageRunsUnderItsElementsId()
    {
        var seen = new Sightings();
        var recorder = Sys.ActorOf(Props.Create(() => new Recorder(seen, "ask-receiver", null)));
        var (queue, done) = Source.Queue<int>(Elements, OverflowStrategy.Backpressure)
            .Throttle(20, TimeSpan.FromMilliseconds(100), 1, ThrottleMode.Shaping)
            .Select(e => seen.Saw("select", e))
            .Where(e => seen.Saw("where", e) >= 0)
            .SelectAsync(4, e => recorder.Ask<int>(seen.Saw("select-async", e), Timeout))
            .ToMaterialized(Sink.ForEach<int>(e => seen.Saw("for-each", e)), Keep.Both)
            .Run(Materializer);

        await Task.Delay(200); // the stream has started: these offers are not the ones made before start
        await OfferConcurrently(Elements, e => queue.OfferAsync(e));
        queue.Complete();
        await done.WaitAsync(Timeout);

        Assert.Equal(Elements, seen.Count("for-each"));
        AssertNone(seen.NotOwnId());
    }

    [Fact]
    public async Task OfferAsync_BurstWaitingInQueueBufferBehindSlowThrottle_EachElementLeavesUnderItsOwnId()
    {
        var seen = new Sightings();
        var (queue, done) = Source.Queue<int>(Elements, OverflowStrategy.Backpressure)
            .Throttle(1, TimeSpan.FromMilliseconds(10), 1, ThrottleMode.Shaping)
            .ToMaterialized(Sink.ForEach<int>(e => seen.Saw("for-each", e)), Keep.Both)
            .Run(Materializer);

        await Task.Delay(200);
        await OfferConcurrently(Elements, e => queue.OfferAsync(e));
        queue.Complete();
        await done.WaitAsync(Timeout);

        Assert.Equal(Elements, seen.Count("for-each"));
        AssertNone(seen.NotOwnId());
    }

    [Fact]
    public async Task OfferAsync_ThrottledOnBothSidesOfAsyncBoundaries_EachElementKeepsItsIdOnEverySide()
    {
        var seen = new Sightings();
        var (queue, done) = Source.Queue<int>(Elements, OverflowStrategy.Backpressure)
            .Throttle(20, TimeSpan.FromMilliseconds(100), 1, ThrottleMode.Shaping)
            .Select(e => seen.Saw("before-async", e))
            .Async()
            .Throttle(1, TimeSpan.FromMilliseconds(5), 1, ThrottleMode.Shaping)
            .Select(e => seen.Saw("after-async", e))
            .Async()
            .ToMaterialized(Sink.ForEach<int>(e => seen.Saw("for-each", e)), Keep.Both)
            .Run(Materializer);

        await Task.Delay(200);
        await OfferConcurrently(Elements, e => queue.OfferAsync(e));
        queue.Complete();
        await done.WaitAsync(Timeout);

        Assert.Equal(Elements, seen.Count("for-each"));
        AssertNone(seen.NotOwnId());
    }

    [Fact]
    public async Task OfferAsync_BeforeTheStreamStarted_NeverRunsUnderAnotherElementsId()
    {
        var seen = new Sightings();
        var (queue, done) = Source.Queue<int>(Elements, OverflowStrategy.Backpressure)
            .Select(e => seen.Saw("select", e))
            .ToMaterialized(Sink.ForEach<int>(e => seen.Saw("for-each", e)), Keep.Both)
            .Run(Materializer);

        await OfferConcurrently(Elements, e => queue.OfferAsync(e));
        queue.Complete();
        await done.WaitAsync(Timeout);

        Assert.Equal(Elements, seen.Count("for-each"));
        AssertNone(seen.UnderAnotherElementsId());
    }
}
