using System.Collections.Concurrent;
using Akka.Streams;
using Akka.Streams.Dsl;
using Xunit.Abstractions;

namespace ActorContext.Akka.Tests;

/// <summary>
/// Without the ActorContext.Streams package (this test project does not reference it), a stream's stages run under the
/// context the stream was materialized in: never the context of whichever element's message woke the stream's actor.
/// </summary>
public class StreamsWithoutPackageTests(ITestOutputHelper output) : PropagationTestKit(output)
{
    private const int Elements = 40;

    [Fact]
    public async Task ThrottledQueue_ConcurrentOffersUnderDistinctIds_EveryStageRunsUnderTheMaterializationContext()
    {
        Assert.Null(Type.GetType("ActorContext.Streams.Internal.StreamHooks, ActorContext.Streams", throwOnError: false));

        var seen = new ConcurrentQueue<(int Element, string Stage, string Id)>();
        var materializer = Sys.Materializer();
        ISourceQueueWithComplete<int> queue = null!;
        Task done = null!;
        WithId("materializer", () => (queue, done) = Source.Queue<int>(Elements, OverflowStrategy.Backpressure)
            .Throttle(20, TimeSpan.FromMilliseconds(100), 1, ThrottleMode.Shaping)
            .Select(e =>
            {
                seen.Enqueue((e, "select", SeenId()));
                return e;
            })
            .ToMaterialized(Sink.ForEach<int>(e => seen.Enqueue((e, "for-each", SeenId()))), Keep.Both)
            .Run(materializer));

        await Task.WhenAll(Enumerable.Range(0, Elements).Select(e => Task.Run(async () =>
        {
            RequestId.Set($"q-{e}");
            await queue.OfferAsync(e);
        })));
        queue.Complete();
        await done.WaitAsync(TimeSpan.FromSeconds(15));

        Assert.Equal(Elements * 2, seen.Count);
        var mismatches = seen.Where(s => s.Id != "materializer").Select(s => $"{s.Stage}: element {s.Element} ran under {s.Id}").ToList();
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} mismatch(es):\n{string.Join("\n", mismatches)}");
    }
}
