using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using Xunit.Abstractions;

namespace ActorContext.Streams.Tests;

public class SourceQueueTests(ITestOutputHelper output)
    : StreamContextTestKit(output, "held-dispatcher { type = ForkJoinDispatcher, throughput = 100, dedicated-thread-pool { thread-count = 1 } }")
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
    public async Task OfferAsync_BeforeTheStreamsActorExists_EachElementRunsUnderItsOwnId()
    {
        // Regression: a stream's actor is made on its supervisor's thread after Run returned, so offers could reach the
        // stage before the library had seen the stream (they then ran under no ID). The supervisor and the stream run
        // on a one-thread dispatcher that a blocked actor holds: every offer below is made before the stream's actor
        // exists, let alone started.
        var seen = new Sightings();
        var held = Sys.Materializer(ActorMaterializerSettings.Create(Sys).WithDispatcher(HeldDispatcher));
        await Source.Single(0).RunWith(Sink.Ignore<int>(), held).WaitAsync(Timeout); // the supervisor has started
        using var gate = new ManualResetEventSlim(false);
        using var blocked = new ManualResetEventSlim(false);
        var blocker = Sys.ActorOf(Props.Create(() => new Blocker(gate, blocked)).WithDispatcher(HeldDispatcher));
        blocker.Tell("block");
        Assert.True(blocked.Wait(Timeout), "the dispatcher was not held");

        var (queue, done) = Source.Queue<int>(Elements, OverflowStrategy.Backpressure)
            .Select(e => seen.Saw("select", e))
            .ToMaterialized(Sink.ForEach<int>(e => seen.Saw("for-each", e)), Keep.Both)
            .Run(held);

        var offered = new CountdownEvent(Elements);
        var offers = OfferConcurrently(Elements, e =>
        {
            var offer = queue.OfferAsync(e);
            offered.Signal();
            return offer;
        });
        Assert.True(offered.Wait(Timeout), "not every offer was made");
        Assert.True(seen.Count("select") == 0, "the stream ran before it was released: these offers were not made before it started");
        gate.Set();
        await offers;
        queue.Complete();
        await done.WaitAsync(Timeout);

        Assert.Equal(Elements, seen.Count("for-each"));
        AssertNone(seen.NotOwnId());
    }

    [Fact]
    public async Task SourceActorRef_ToldBeforeTheStreamsActorsExist_EachElementRunsUnderItsOwnId()
    {
        var seen = new Sightings();
        var held = Sys.Materializer(ActorMaterializerSettings.Create(Sys).WithDispatcher(HeldDispatcher));
        await Source.Single(0).RunWith(Sink.Ignore<int>(), held).WaitAsync(Timeout); // the supervisor has started
        using var gate = new ManualResetEventSlim(false);
        using var blocked = new ManualResetEventSlim(false);
        Sys.ActorOf(Props.Create(() => new Blocker(gate, blocked)).WithDispatcher(HeldDispatcher)).Tell("block");
        Assert.True(blocked.Wait(Timeout), "the dispatcher was not held");

        var (source, done) = Source.ActorRef<int>(Elements, OverflowStrategy.DropHead)
            .Select(e => seen.Saw("select", e))
            .ToMaterialized(Sink.ForEach<int>(e => seen.Saw("for-each", e)), Keep.Both)
            .Run(held);
        await OfferConcurrently(Elements, e =>
        {
            source.Tell(e);
            return Task.CompletedTask;
        });
        Assert.True(seen.Count("select") == 0, "the stream ran before it was released: these elements were not told before it started");
        gate.Set();
        await AwaitConditionAsync(() => Task.FromResult(seen.Count("for-each") == Elements), Timeout);

        AssertNone(seen.NotOwnId());
    }

    private const string HeldDispatcher = "held-dispatcher";

    private sealed class Blocker : ReceiveActor
    {
        public Blocker(ManualResetEventSlim gate, ManualResetEventSlim blocked) => Receive<string>(_ =>
        {
            blocked.Set();
            gate.Wait();
        });
    }
}
