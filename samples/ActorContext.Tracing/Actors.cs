using System.Diagnostics;
using Akka.Actor;

namespace ActorContext.Tracing;

internal static class Ids
{
    public static readonly ContextVar<string> RequestId = new("request-id");

    /// <summary>What every hop prints: the request ID and the trace it runs in — neither passed by hand.</summary>
    public static void Print(string hop, object message) =>
        Console.WriteLine($"{hop,-9} request-id={RequestId.Get("(none)")} trace={Activity.Current?.TraceId.ToString() ?? "(none)"} handles {message}");
}

internal sealed record PlaceOrder(string Item);

internal sealed record Reserve(string Item);

internal sealed record Reserved(string Item, IActorRef Customer);

internal sealed record Ship(string Item, IActorRef Customer);

internal sealed record Shipped(string Item);

/// <summary>Asks stock, pipes the answer to itself, then hands the order to shipping.</summary>
internal sealed class Orders : ReceiveActor
{
    public Orders(IActorRef stock, IActorRef shipping)
    {
        Receive<PlaceOrder>(order =>
        {
            Ids.Print("orders", order);
            var customer = Sender;
            stock.Ask<string>(new Reserve(order.Item), TimeSpan.FromSeconds(5))
                .PipeTo(Self, success: _ => new Reserved(order.Item, customer));
        });
        Receive<Reserved>(reserved =>
        {
            Ids.Print("orders", reserved);
            shipping.Tell(new Ship(reserved.Item, reserved.Customer));
        });
    }
}

internal sealed class Stock : ReceiveActor
{
    public Stock() => Receive<Reserve>(reserve =>
    {
        Ids.Print("stock", reserve);
        Sender.Tell("reserved");
    });
}

internal sealed class Shipping : ReceiveActor
{
    public Shipping() => Receive<Ship>(ship =>
    {
        Ids.Print("shipping", ship);
        ship.Customer.Tell(new Shipped(ship.Item));
    });
}
