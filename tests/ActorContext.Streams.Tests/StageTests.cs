using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using Xunit.Abstractions;

namespace ActorContext.Streams.Tests;

/// <summary>Each named stage between a Source.Queue fed by concurrent callers and a Sink.ForEach.</summary>
public class StageTests(ITestOutputHelper output) : StreamContextTestKit(output)
{
    private const int Elements = 40;

    private async Task<Sightings> RunThrough(Func<Source<int, ISourceQueueWithComplete<int>>, Sightings, Source<int, ISourceQueueWithComplete<int>>> stages, int expected = Elements)
    {
        var seen = new Sightings();
        // The throttle keeps offered elements waiting in the queue's buffer, so they leave on later demand.
        var (queue, done) = stages(Source.Queue<int>(Elements, OverflowStrategy.Backpressure).Throttle(20, TimeSpan.FromMilliseconds(100), 1, ThrottleMode.Shaping), seen)
            .ToMaterialized(Sink.ForEach<int>(e => seen.Saw("for-each", e)), Keep.Both)
            .Run(Materializer);
        await Task.Delay(200);
        await OfferConcurrently(Elements, e => queue.OfferAsync(e));
        queue.Complete();
        await done.WaitAsync(Timeout);
        Assert.Equal(expected, seen.Count("for-each"));
        return seen;
    }

    [Fact]
    public async Task Buffer_BurstLeavingOnLaterDemand_EachElementUnderItsOwnId()
    {
        var seen = await RunThrough((s, seen) => s
            .Select(e => seen.Saw("select", e))
            .Buffer(Elements, OverflowStrategy.Backpressure)
            .Throttle(1, TimeSpan.FromMilliseconds(5), 1, ThrottleMode.Shaping)
            .Select(e => seen.Saw("after-buffer", e)));
        AssertNone(seen.NotOwnId());
    }

    [Fact]
    public async Task Delay_ElementsReleasedByTimer_EachElementUnderItsOwnId()
    {
        var seen = await RunThrough((s, seen) => s
            .Delay(TimeSpan.FromMilliseconds(30), DelayOverflowStrategy.Backpressure)
            .Select(e => seen.Saw("after-delay", e)));
        AssertNone(seen.NotOwnId());
    }

    [Fact]
    public async Task InitialDelay_ElementsHeldUntilTheDelayEnds_EachElementUnderItsOwnId()
    {
        var seen = new Sightings();
        var (queue, done) = Source.Queue<int>(Elements, OverflowStrategy.Backpressure)
            .InitialDelay(TimeSpan.FromMilliseconds(500))
            .Select(e => seen.Saw("after-initial-delay", e))
            .ToMaterialized(Sink.ForEach<int>(e => seen.Saw("for-each", e)), Keep.Both)
            .Run(Materializer);
        await Task.Delay(100);
        await OfferConcurrently(Elements, e => queue.OfferAsync(e));
        queue.Complete();
        await done.WaitAsync(Timeout);
        Assert.Equal(Elements, seen.Count("for-each"));
        AssertNone(seen.NotOwnId());
    }

    [Fact]
    public async Task SelectAsync_ResultsCompletingOutOfOrder_EachResultUnderItsElementsId()
    {
        var seen = await RunThrough((s, seen) => s
            .SelectAsync(8, async e =>
            {
                seen.Saw("select-async", e);
                await Task.Delay(e % 3 == 0 ? 30 : 1);
                return seen.Saw("select-async-after-await", e);
            })
            .Select(e => seen.Saw("after-select-async", e)));
        AssertNone(seen.NotOwnId());
    }

    [Fact]
    public async Task SelectAsyncUnordered_ResultsCompletingOutOfOrder_EachResultUnderItsElementsId()
    {
        var seen = await RunThrough((s, seen) => s
            .SelectAsyncUnordered(8, async e =>
            {
                seen.Saw("select-async-unordered", e);
                await Task.Delay(e % 3 == 0 ? 30 : 1);
                return e;
            })
            .Select(e => seen.Saw("after-select-async-unordered", e)));
        AssertNone(seen.NotOwnId());
    }

    [Fact]
    public async Task SelectAsyncUnordered_TasksAlreadyCompleted_EachResultUnderItsElementsId()
    {
        var seen = await RunThrough((s, seen) => s
            .SelectAsyncUnordered(4, e => Task.FromResult(seen.Saw("select-async-unordered", e)))
            .Select(e => seen.Saw("after-select-async-unordered", e)));
        AssertNone(seen.NotOwnId());
    }

    [Fact]
    public async Task Grouped_ElementsOfDifferentRequests_GroupRunsUnderTheirCommonIdOrNone()
    {
        var seen = new Sightings();
        var (queue, done) = Source.Queue<int>(Elements, OverflowStrategy.Backpressure)
            .Throttle(1, TimeSpan.FromMilliseconds(2), 1, ThrottleMode.Shaping)
            .Grouped(4)
            .ToMaterialized(Sink.ForEach<IEnumerable<int>>(group =>
            {
                foreach (var e in group)
                {
                    seen.Saw("for-each-group", e);
                }
            }), Keep.Both)
            .Run(Materializer);
        await Task.Delay(200);

        // Pairs of groups share one ID: those run under it; the others (mixed IDs) under the materialization context (none).
        await Task.WhenAll(Enumerable.Range(0, Elements / 4).Select(g => Task.Run(async () =>
        {
            RequestId.Set($"g-{g % 2}");
            for (var i = 0; i < 4; i++)
            {
                await queue.OfferAsync((g * 4) + i);
            }
        })));
        queue.Complete();
        await done.WaitAsync(Timeout);

        Assert.Equal(Elements, seen.Count("for-each-group"));
        AssertNone(seen.Mismatches((_, e, id) => id == "none" || id == $"g-{e / 4 % 2}"));
    }

    [Fact]
    public async Task Where_DroppingSomeElements_TheOthersUnderTheirOwnId()
    {
        var seen = await RunThrough(
            (s, seen) => s.Where(e => seen.Saw("where", e) % 2 == 0).Select(e => seen.Saw("after-where", e)),
            Elements / 2);
        AssertNone(seen.NotOwnId());
    }

    [Fact]
    public async Task EqualElementsFromDistinctRequests_WaitingInQueueAndBuffer_EachRequestsIdSeenOnceDownstream()
    {
        var ids = new System.Collections.Concurrent.ConcurrentBag<string>();
        var (queue, done) = Source.Queue<string>(Elements, OverflowStrategy.Backpressure)
            .Throttle(20, TimeSpan.FromMilliseconds(100), 1, ThrottleMode.Shaping)
            .Buffer(Elements, OverflowStrategy.Backpressure)
            .Throttle(1, TimeSpan.FromMilliseconds(5), 1, ThrottleMode.Shaping)
            .ToMaterialized(Sink.ForEach<string>(_ => ids.Add(Seen())), Keep.Both)
            .Run(Materializer);
        await Task.Delay(200);

        await OfferConcurrently(Elements, _ => queue.OfferAsync("same"));
        queue.Complete();
        await done.WaitAsync(Timeout);

        var expected = Enumerable.Range(0, Elements).Select(IdOf).Order().ToList();
        var actual = ids.Order().ToList();
        AssertNone([.. expected.Except(actual).Select(id => $"{id} never seen"), .. actual.GroupBy(id => id).Where(g => g.Count() > 1 || !expected.Contains(g.Key)).Select(g => $"{g.Key} seen {g.Count()} time(s)")]);
    }
}
