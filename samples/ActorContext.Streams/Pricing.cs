using Akka.Actor;

namespace ActorContext.StreamsSample;

/// <summary>Prices an order; a plain actor that logs the request ID of the element it was asked about.</summary>
internal sealed class Pricing : ReceiveActor
{
    public Pricing() => Receive<Order>(order =>
    {
        Console.WriteLine($"{"price",-8} order {order.Number,3}  request-id = {Ids.RequestId.Get("(none)")}");
        Sender.Tell(new Priced(order.Number, 10m + order.Number));
    });
}
