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
    public async Task MergeAndBatch_OutputOfElementsOfSeveralRequests_RunsUnderTheMaterializationContext()
    {
        var seen = await Run((s, seen) => s
            .Batch(4, e => new List<int> { seen.Saw("batch-seed", e) }, (list, e) =>
            {
                list.Add(seen.Saw("batch-aggregate", e));
                return list;
            })
            .Throttle(1, TimeSpan.FromMilliseconds(5), 1, ThrottleMode.Shaping)
            .Select(list => list.Select(e => seen.Saw("after-batch", e)).ToList())
            .Merge(Source.Empty<List<int>>().MapMaterializedValue(_ => (ISourceQueueWithComplete<int>)null!))
            .SelectMany(list => list)
            .Select(e => seen.Saw("after-merge", e)), e => e);

        Assert.Equal(Elements, seen.Count("for-each"));
        AssertNone(seen.Mismatches((where, e, id) => where.StartsWith("batch", StringComparison.Ordinal) ? id == IdOf(e) : id == "materializer"));
    }

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
