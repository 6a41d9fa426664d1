using ActorContext;
using ActorContext.Akka;
using ActorContext.Embedding;
using Akka.Actor;
using Akka.Configuration;

// An application that already runs a plain ActorSystem from HOCON — no hosting, no DI.
const string hocon = """
    akka {
      loglevel = WARNING
      stdout-loglevel = WARNING
      actor.default-dispatcher.throughput = 10
    }
    """;

// The one call that turns propagation on: the same Config, plus .WithMessageContext().
var config = ConfigurationFactory.ParseString(hocon).WithMessageContext();

using var system = ActorSystem.Create("embedding", config);
Console.WriteLine($"propagation enabled: {system.IsMessageContextEnabled()}");

// A three-actor chain. None of the actors knows about contexts or receives the ID in a message.
var audit = system.ActorOf(Props.Create(() => new HopActor("audit", null)), "audit");
var billing = system.ActorOf(Props.Create(() => new HopActor("billing", audit)), "billing");
var orders = system.ActorOf(Props.Create(() => new HopActor("orders", billing)), "orders");

var mismatches = 0;
foreach (var requestId in new[] { "req-1001", "req-1002", "req-1003" })
{
    // The edge: a new context per request, the ID set once.
    var seen = await new MessageContext().Run(() =>
    {
        Ids.RequestId.Set(requestId);
        Console.WriteLine($"edge    request-id = {Ids.RequestId.Get()}");
        return orders.Ask<Trail>(new Trail([]), TimeSpan.FromSeconds(5));
    });

    foreach (var (hop, id) in seen.Hops)
    {
        Console.WriteLine($"{hop,-7} request-id = {id}");
        mismatches += id == requestId ? 0 : 1;
    }

    Console.WriteLine();
}

// Outside any request there is no ID, and nothing leaked into this flow.
Console.WriteLine($"after the requests: request-id = {Ids.RequestId.Get("(none)")}");
await CoordinatedShutdown.Get(system).Run(CoordinatedShutdown.ClrExitReason.Instance);

Console.WriteLine(mismatches == 0 ? "every hop saw the edge's request ID" : $"{mismatches} hop(s) saw another request ID");
return mismatches == 0 ? 0 : 1;
