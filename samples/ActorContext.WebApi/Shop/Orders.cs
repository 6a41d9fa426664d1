using System.Collections.Immutable;
using Akka.Actor;
using Akka.Event;

namespace ActorContext.WebApi.Shop;

/// <summary>
/// Places an order: Asks stock and pipes the answer to itself (<c>PipeTo</c>), then Tells shipping, which answers the
/// endpoint. Passes no request ID anywhere; every hop reads it from its own context.
/// </summary>
internal sealed class Orders : ReceiveActor
{
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public Orders(IActorRef stock, IActorRef shipping)
    {
        Receive<PlaceOrder>(order =>
        {
            _log.Info("hop orders placing {0}", order.Item);
            var hops = ImmutableList.Create(new HopSeen("orders", RequestIds.Seen()));
            var replyTo = Sender;

            // The flow's token: when the request's deadline passes or its client goes away, the Ask stops waiting.
            stock.Ask<Reserved>(new Reserve(order.Item), FlowDeadline.Token)
                .PipeTo(Self, success: reserved => new StockAnswered(reserved, replyTo, hops), failure: e => new Status.Failure(e));
        });

        Receive<StockAnswered>(answer =>
        {
            _log.Info("hop orders reserved {0} on shelf {1}", answer.Reserved.Item, answer.Reserved.Shelf);
            var hops = answer.Hops.Add(answer.Reserved.Hop).Add(new HopSeen("orders (piped)", RequestIds.Seen()));
            shipping.Tell(new Ship(answer.Reserved.Item, answer.Reserved.Shelf, answer.ReplyTo, hops));
        });

        Receive<Status.Failure>(failure => _log.Info("hop orders gave up: {0}", failure.Cause.GetType().Name));
    }
}
