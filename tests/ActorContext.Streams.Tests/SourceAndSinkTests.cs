using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using Xunit.Abstractions;

namespace ActorContext.Streams.Tests;

/// <summary>Sources fed from outside, sinks that deliver to actors, and sources that produce their own elements.</summary>
public class SourceAndSinkTests(ITestOutputHelper output) : StreamContextTestKit(output)
{
    private const int Elements = 40;

    [Fact]
    public async Task SourceActorRef_BurstToldFromConcurrentCallersWaitingForDemand_EachElementRunsUnderItsOwnId()
    {
        var seen = new Sightings();
        var (source, done) = Source.ActorRef<int>(Elements, OverflowStrategy.DropHead)
            .Throttle(1, TimeSpan.FromMilliseconds(5), 1, ThrottleMode.Shaping)
            .Select(e => seen.Saw("select", e))
            .ToMaterialized(Sink.ForEach<int>(e => seen.Saw("for-each", e)), Keep.Both)
            .Run(Materializer);
        await Task.Delay(200);

        await OfferConcurrently(Elements, e =>
        {
            source.Tell(e);
            return Task.CompletedTask;
        });
        await AwaitConditionAsync(() => Task.FromResult(seen.Count("for-each") == Elements), Timeout);
        source.Tell(PoisonPill.Instance);

        AssertNone(seen.NotOwnId());
    }

    [Fact]
    public async Task SourceActorRef_EachTellWaitingForDemand_ElementsRunUnderTheirOwnId()
    {
        // One element at a time, each told when the stream asks for it: nothing waits in the publisher's buffer.
        var seen = new Sightings();
        var (source, done) = Source.ActorRef<int>(Elements, OverflowStrategy.DropHead)
            .Select(e => seen.Saw("select", e))
            .ToMaterialized(Sink.ForEach<int>(e => seen.Saw("for-each", e)), Keep.Both)
            .Run(Materializer);
        await Task.Delay(200);

        for (var e = 0; e < Elements; e++)
        {
            var element = e;
            await Task.Run(() =>
            {
                RequestId.Set(IdOf(element));
                source.Tell(element);
            });
            await AwaitConditionAsync(() => Task.FromResult(seen.Count("for-each") == element + 1), Timeout);
        }

        AssertNone(seen.NotOwnId());
    }

    [Fact]
    public async Task SinkActorRef_ElementsOfConcurrentOffers_DeliveredUnderTheirOwnId()
    {
        var seen = new Sightings();
        var receiver = Sys.ActorOf(Props.Create(() => new Recorder(seen, "sink-actor-ref", "ack")));
        var queue = Source.Queue<int>(Elements, OverflowStrategy.Backpressure)
            .Throttle(1, TimeSpan.FromMilliseconds(5), 1, ThrottleMode.Shaping)
            .To(Sink.ActorRef<int>(receiver, "done", _ => "failed"))
            .Run(Materializer);
        await Task.Delay(200);

        await OfferConcurrently(Elements, e => queue.OfferAsync(e));
        await AwaitConditionAsync(() => Task.FromResult(seen.Count("sink-actor-ref") == Elements), Timeout);

        AssertNone(seen.NotOwnId());
    }

    [Fact]
    public async Task SinkActorRefWithAck_AckRoundTrips_EachElementDeliveredUnderItsOwnId()
    {
        var seen = new Sightings();
        var receiver = Sys.ActorOf(Props.Create(() => new Recorder(seen, "sink-actor-ref-with-ack", "ack")));
        var queue = Source.Queue<int>(Elements, OverflowStrategy.Backpressure)
            .Throttle(1, TimeSpan.FromMilliseconds(5), 1, ThrottleMode.Shaping)
            .To(Sink.ActorRefWithAck<int>(receiver, "init", "ack", "done"))
            .Run(Materializer);
        await Task.Delay(200);

        await OfferConcurrently(Elements, e => queue.OfferAsync(e));
        await AwaitConditionAsync(() => Task.FromResult(seen.Count("sink-actor-ref-with-ack") == Elements), Timeout);

        AssertNone(seen.NotOwnId());
    }

    [Fact]
    public async Task SinkActorRefWithAck_SlowAcknowledgementsWhileABurstWaitsInTheSinksBuffer_EachElementDeliveredUnderItsOwnId()
    {
        var seen = new Sightings();
        var receiver = Sys.ActorOf(Props.Create(() => new SlowAcknowledger(seen)));
        var queue = Source.Queue<int>(Elements, OverflowStrategy.Backpressure)
            .To(Sink.ActorRefWithAck<int>(receiver, "init", "ack", "done"))
            .Run(Materializer);
        await Task.Delay(200);

        await OfferConcurrently(Elements, e => queue.OfferAsync(e));
        await AwaitConditionAsync(() => Task.FromResult(seen.Count("slow-acknowledger") == Elements), Timeout);

        AssertNone(seen.NotOwnId());
    }

    [Fact]
    public async Task StreamMaterializedInsideAnotherRequest_SourceActorRefThroughAsyncAskAndAckSink_EveryStageUnderItsElementsId()
    {
        var seen = new Sightings();
        var asked = Sys.ActorOf(Props.Create(() => new Recorder(seen, "ask-receiver", null)));
        var receiver = Sys.ActorOf(Props.Create(() => new Recorder(seen, "sink-actor-ref-with-ack", "ack")));
        var source = Under("materializer", () => Source.ActorRef<int>(Elements, OverflowStrategy.DropHead)
            .Select(e => seen.Saw("select", e))
            .Async()
            .SelectAsync(4, e => asked.Ask<int>(e, Timeout))
            .To(Sink.ActorRefWithAck<int>(receiver, "init", "ack", "done"))
            .Run(Materializer));
        await Task.Delay(200);

        await OfferConcurrently(Elements, e =>
        {
            source.Tell(e);
            return Task.CompletedTask;
        });
        await AwaitConditionAsync(() => Task.FromResult(seen.Count("sink-actor-ref-with-ack") == Elements), Timeout);

        AssertNone(seen.NotOwnId());
    }

    [Fact]
    public async Task StreamMaterializedInsideAnotherRequest_OfferedElements_RunUnderTheirOwnIdNotTheMaterializers()
    {
        var seen = new Sightings();
        var (queue, done) = Under("materializer", () => Source.Queue<int>(Elements, OverflowStrategy.Backpressure)
            .Throttle(10, TimeSpan.FromMilliseconds(20), 1, ThrottleMode.Shaping)
            .Select(e => seen.Saw("select", e))
            .ToMaterialized(Sink.ForEach<int>(e => seen.Saw("for-each", e)), Keep.Both)
            .Run(Materializer));
        await Task.Delay(200);

        await OfferConcurrently(Elements, e => queue.OfferAsync(e));
        queue.Complete();
        await done.WaitAsync(Timeout);

        Assert.Equal(Elements, seen.Count("for-each"));
        AssertNone(seen.NotOwnId());
    }

    [Fact]
    public async Task OwnElements_FromTickAndRepeat_RunUnderTheMaterializationContext()
    {
        var seen = new Sightings();
        var from = Under("mat-from", () => Source.From(Enumerable.Range(0, 10))
            .Select(e => seen.Saw("from", e))
            .RunWith(Sink.Ignore<int>(), Materializer));
        var repeat = Under("mat-repeat", () => Source.Repeat(1).Take(10)
            .Select(e => seen.Saw("repeat", e))
            .RunWith(Sink.Ignore<int>(), Materializer));
        var tick = Under("mat-tick", () => Source.Tick(TimeSpan.Zero, TimeSpan.FromMilliseconds(5), 2).Take(5)
            .Select(e => seen.Saw("tick", e))
            .RunWith(Sink.Ignore<int>(), Materializer));
        await Task.WhenAll(from, repeat, tick).WaitAsync(Timeout);

        AssertNone(seen.Mismatches((where, _, id) => id == $"mat-{where}"));
    }

    /// <summary>Records each element and acknowledges it a few milliseconds later, so the stream's next elements wait in the sink.</summary>
    private sealed class SlowAcknowledger : ReceiveActor
    {
        public SlowAcknowledger(Sightings seen)
        {
            Receive<int>(element =>
            {
                seen.Saw("slow-acknowledger", element);
                Context.System.Scheduler.ScheduleTellOnce(TimeSpan.FromMilliseconds(5), Sender, "ack", Self);
            });
            Receive<string>(_ => Sender.Tell("ack"));
        }
    }
}
