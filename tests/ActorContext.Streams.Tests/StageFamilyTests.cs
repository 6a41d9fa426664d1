using Akka;
using Akka.Streams;
using Akka.Streams.Dsl;
using Xunit.Abstractions;

namespace ActorContext.Streams.Tests;

/// <summary>The rows of the README's stage table not covered one by one elsewhere.</summary>
public class StageFamilyTests(ITestOutputHelper output) : StreamContextTestKit(output)
{
    private const int Elements = 40;

    private async Task<Sightings> Run<TOut>(Func<Source<int, ISourceQueueWithComplete<int>>, Sightings, Source<TOut, ISourceQueueWithComplete<int>>> stages, Func<TOut, int> element)
    {
        var seen = new Sightings();
        var (queue, done) = Under("materializer", () => stages(
                Source.Queue<int>(Elements, OverflowStrategy.Backpressure).Throttle(20, TimeSpan.FromMilliseconds(100), 1, ThrottleMode.Shaping), seen)
            .ToMaterialized(Sink.ForEach<TOut>(e => seen.Saw("for-each", element(e))), Keep.Both)
            .Run(Materializer));
        await Task.Delay(200);
        await OfferConcurrently(Elements, e => queue.OfferAsync(e));
        queue.Complete();
        await done.WaitAsync(Timeout);
        return seen;
    }

    [Fact]
    public async Task CollectSkipTakeWhileSkipWhileLogTake_ConcurrentOffers_EachElementUnderItsOwnId()
    {
        var seen = await Run((s, seen) => s
            .Collect(e => seen.Saw("collect", e) >= 0, e => e)
            .Skip(0)
            .TakeWhile(e => seen.Saw("take-while", e) >= 0)
            .SkipWhile(e => seen.Saw("skip-while", e) < 0)
            .Log("elements")
            .Take(Elements)
            .Select(e => seen.Saw("select", e)), e => e);

        Assert.Equal(Elements, seen.Count("for-each"));
        AssertNone(seen.NotOwnId());
    }

    [Theory]
    [InlineData("scan")]
    [InlineData("select-many")]
    public async Task ScanOrSelectMany_FunctionUnderTheElementsId_OutputUnderTheMaterializationContext(string stage)
    {
        var seen = await Run((s, seen) => (stage == "scan"
                ? s.Scan(-1, (_, e) => seen.Saw("function", e)).Where(e => e >= 0)
                : s.SelectMany(e => new[] { seen.Saw("function", e) }))
            .Select(e => seen.Saw("after", e)), e => e);

        Assert.Equal(Elements, seen.Count("for-each"));
        AssertNone(seen.Mismatches((where, e, id) => where == "function" ? id == IdOf(e) : id == "materializer"));
    }

    [Fact]
    public async Task Merge_OutputOfElementsOfSeveralRequests_RunsUnderTheMaterializationContext()
    {
        var seen = await Run((s, seen) => s
            .Select(e => seen.Saw("before-merge", e))
            .Merge(Source.Empty<int>().MapMaterializedValue(_ => (ISourceQueueWithComplete<int>)null!))
            .Select(e => seen.Saw("after-merge", e)), e => e);

        Assert.Equal(Elements, seen.Count("for-each"));
        AssertNone(seen.Mismatches((where, e, id) => where == "before-merge" ? id == IdOf(e) : id == "materializer"));
    }

    [Theory]
    [InlineData("batch")]
    [InlineData("conflate")]
    public async Task BatchOrConflate_ElementsOfOneRequest_EveryBatchRunsUnderThatRequestsId(string stage)
    {
        var seen = new Sightings();
        var (queue, done) = Under("materializer", () => Combine(Source.Queue<int>(Elements, OverflowStrategy.Backpressure), stage, seen)
            .Throttle(1, TimeSpan.FromMilliseconds(10), 1, ThrottleMode.Shaping)
            .ToMaterialized(Sink.ForEach<List<int>>(batch => batch.ForEach(e => seen.Saw("for-each-batch", e))), Keep.Both)
            .Run(Materializer));
        await Task.Delay(200);

        await Task.Run(async () =>
        {
            RequestId.Set("one");
            for (var e = 0; e < Elements; e++)
            {
                await queue.OfferAsync(e);
            }
        });
        queue.Complete();
        await done.WaitAsync(Timeout);

        Assert.Equal(Elements, seen.Count("for-each-batch"));
        AssertNone(seen.Mismatches((_, _, id) => id == "one"));
    }

    [Theory]
    [InlineData("batch")]
    [InlineData("conflate")]
    public async Task BatchOrConflate_ElementsOfTwoAlternatingRequests_EachBatchRunsUnderItsElementsCommonIdOrTheMaterializationContext(string stage)
    {
        var seen = new Sightings();
        var (queue, done) = Under("materializer", () => Combine(Source.Queue<int>(Elements, OverflowStrategy.Backpressure), stage, seen)
            .Throttle(1, TimeSpan.FromMilliseconds(10), 1, ThrottleMode.Shaping)
            .ToMaterialized(Sink.ForEach<List<int>>(batch => batch.ForEach(e => seen.Saw(batch.Count == 1 ? "single" : "batch", e))), Keep.Both)
            .Run(Materializer));
        await Task.Delay(200);

        // Runs of three elements under one ID, then three under the other: batches within a run keep its ID.
        await Task.Run(async () =>
        {
            for (var e = 0; e < Elements; e++)
            {
                if (e % 3 == 0)
                {
                    RequestId.Set(RunId(e));
                }

                await queue.OfferAsync(e);
            }
        });
        queue.Complete();
        await done.WaitAsync(Timeout);

        Assert.Equal(Elements, seen.Count("single") + seen.Count("batch"));
        AssertNone(seen.Mismatches((where, e, id) => id == RunId(e) || (where == "batch" && id == "materializer")));
        AssertNone(seen.Mismatches((where, e, id) => where == "seed" || where == "aggregate" ? id == RunId(e) : true));

        static string RunId(int e) => e / 3 % 2 == 0 ? "run-a" : "run-b";
    }

    [Fact]
    public async Task Batch_EachElementOverTheCostLimit_KeptForTheNextBatchUnderItsOwnId()
    {
        // Cost 2 of at most 3: every batch holds one element, and the element that did not fit waits for the next
        // batch inside the stage; each batch runs under its one element's ID.
        var seen = await Run((s, seen) => s
            .BatchWeighted(3, _ => 2, e => new List<int> { seen.Saw("seed", e) }, (list, e) =>
            {
                list.Add(seen.Saw("aggregate", e));
                return list;
            })
            .Throttle(1, TimeSpan.FromMilliseconds(20), 1, ThrottleMode.Shaping) // slower than the offers: the stage holds one back
            .SelectMany(list => list.Select(e => seen.Saw("after-batch", e)))
            .Select(e => e), e => e);

        Assert.Equal(Elements, seen.Count("for-each"));
        Assert.Equal(0, seen.Count("aggregate"));
        AssertNone(seen.Mismatches((where, e, id) => where is "for-each" ? id == "materializer" : id == IdOf(e)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task GroupedWithin_ElementsOfOneRequestOrAlternatingRuns_EachGroupRunsUnderItsElementsCommonIdOrTheMaterializationContext(bool alternating)
    {
        var seen = new Sightings();
        var (queue, done) = Under("materializer", () => Source.Queue<int>(Elements, OverflowStrategy.Backpressure)
            .GroupedWithin(4, TimeSpan.FromMilliseconds(20))
            .Throttle(1, TimeSpan.FromMilliseconds(10), 1, ThrottleMode.Shaping)
            .ToMaterialized(Sink.ForEach<IEnumerable<int>>(group => group.ToList().ForEach(e => seen.Saw("for-each-group", e))), Keep.Both)
            .Run(Materializer));
        await Task.Delay(200);

        await Task.Run(async () =>
        {
            // One context per run (a request offering several elements), not one per element: a group's common
            // context is the same context, not equal values set anew.
            RequestId.Set("one");
            for (var e = 0; e < Elements; e++)
            {
                if (alternating && e % 3 == 0)
                {
                    RequestId.Set(RunId(e));
                }

                await queue.OfferAsync(e);
            }
        });
        queue.Complete();
        await done.WaitAsync(Timeout);

        Assert.Equal(Elements, seen.Count("for-each-group"));
        AssertNone(seen.Mismatches((_, e, id) => alternating ? id == RunId(e) || id == "materializer" : id == "one"));

        static string RunId(int e) => e / 3 % 2 == 0 ? "run-a" : "run-b";
    }

    private static Source<List<int>, ISourceQueueWithComplete<int>> Combine(Source<int, ISourceQueueWithComplete<int>> source, string stage, Sightings seen) =>
        stage == "batch"
            ? source.Batch(4, e => new List<int> { seen.Saw("seed", e) }, (list, e) =>
            {
                list.Add(seen.Saw("aggregate", e));
                return list;
            })
            : source.ConflateWithSeed(e => new List<int> { seen.Saw("seed", e) }, (list, e) =>
            {
                list.Add(seen.Saw("aggregate", e));
                return list;
            });

    [Fact]
    public async Task GroupByMergeSubstreams_SubstreamElements_NeverUnderAnotherElementsId()
    {
        var seen = await Run((s, seen) => (Source<int, ISourceQueueWithComplete<int>>)s
            .GroupBy(4, e => e % 4)
            .Select(e => seen.Saw("in-substream", e))
            .MergeSubstreams(), e => e);

        Assert.Equal(Elements, seen.Count("for-each"));
        AssertNone(seen.Mismatches((_, e, id) => id == IdOf(e) || id == "materializer"));
    }
}
