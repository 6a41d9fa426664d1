using System.Collections.Concurrent;
using ActorContext;
using ActorContext.Akka;
using ActorContext.StreamsSample;
using Akka.Actor;
using Akka.Configuration;
using Akka.Streams;
using Akka.Streams.Dsl;

// Concurrent requests feed one Source.Queue; the stream throttles them, asks a pricing actor for each and ships them.
// No element and no message carries the request ID: each stage reads it from its context. Referencing the
// ActorContext.Streams package is all it takes; without it each element would run under the materialization context.
var requests = args.Length == 2 && args[0] == "--requests" && int.TryParse(args[1], out var n) && n > 0 ? n : 20;

var config = ConfigurationFactory.ParseString("akka.loglevel = WARNING\nakka.stdout-loglevel = WARNING").WithMessageContext();
using var system = ActorSystem.Create("streams", config);
var materializer = system.Materializer();
var pricing = system.ActorOf(Props.Create(() => new Pricing()), "pricing");

var expected = new ConcurrentDictionary<int, string>();
var seen = new ConcurrentQueue<(string Stage, int Order, string Id)>();

void Log(string stage, int order)
{
    var id = Ids.RequestId.Get("(none)");
    seen.Enqueue((stage, order, id));
    Console.WriteLine($"{stage,-8} order {order,3}  request-id = {id}");
}

var (queue, done) = Source.Queue<Order>(requests, OverflowStrategy.Backpressure)
    .Throttle(10, TimeSpan.FromMilliseconds(100), 1, ThrottleMode.Shaping)
    .Select(order =>
    {
        Log("validate", order.Number);
        return order;
    })
    .SelectAsync(4, order => pricing.Ask<Priced>(order, TimeSpan.FromSeconds(5)))
    .ToMaterialized(Sink.ForEach<Priced>(priced => Log("ship", priced.Number)), Keep.Both)
    .Run(materializer);

// The edge: each request in a new context with its own ID, offering from its own task, all at once.
await Task.WhenAll(Enumerable.Range(1, requests).Select(number => Task.Run(() => new MessageContext().Run(() =>
{
    var id = $"r-{number:D3}";
    expected[number] = id;
    Ids.RequestId.Set(id);
    return queue.OfferAsync(new Order(number));
}))));
queue.Complete();
await done.WaitAsync(TimeSpan.FromSeconds(30));
await CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClrExitReason.Instance);

var mismatches = seen.Count(s => s.Id != expected[s.Order]);
var shipped = seen.Count(s => s.Stage == "ship");
Console.WriteLine();
Console.WriteLine($"summary: {requests} requests, {shipped} shipped, {mismatches} mismatches");
return mismatches == 0 && shipped == requests ? 0 : 1;
