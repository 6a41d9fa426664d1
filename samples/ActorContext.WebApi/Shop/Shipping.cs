using Akka.Actor;
using Akka.Event;

namespace ActorContext.WebApi.Shop;

/// <summary>Ships the order and answers the endpoint that asked orders.</summary>
internal sealed class Shipping : ReceiveActor
{
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public Shipping() => Receive<Ship>(ship =>
    {
        _log.Info("hop shipping sending {0} from shelf {1}", ship.Item, ship.Shelf);
        var hops = ship.Hops.Add(new HopSeen("shipping", RequestIds.Seen()));
        ship.ReplyTo.Tell(new OrderPlaced(RequestIds.Seen(), ship.Item, ship.Shelf, hops));
    });
}
