using Akka.Actor;
using Akka.Cluster.Sharding;
using Akka.Cluster.Tools.PublishSubscribe;

namespace ActorContext.ClusterSharding;

/// <summary>
/// A sharded order entity. It records the request ID its context holds, then asks a stock keeper (through
/// Distributed Pub/Sub, on any node) and answers the edge. It never receives the ID in a message.
/// </summary>
internal sealed class Order : ReceiveActor
{
    public const string TypeName = "order";

    public Order()
    {
        var node = ShopCluster.NodeOf(Context.System);
        var mediator = DistributedPubSub.Get(Context.System).Mediator;
        ReceiveAsync<PlaceOrder>(async order =>
        {
            var sender = Sender;
            Hop[] hops = [.. order.Hops, new Hop("order", node, Ids.RequestId.Get("(none)"))];

            // One subscriber of the "stock" group gets it; the ask carries this entity's context (the request's).
            var trail = await mediator.Ask<Trail>(
                new Publish(StockKeeper.Topic, new Reserve(order.Item, hops), sendOneMessageToEachGroup: true),
                TimeSpan.FromSeconds(10));
            sender.Tell(trail);
        });
    }

    /// <summary>Order entities are spread over the shards by their ID.</summary>
    public sealed class Extractor() : HashCodeMessageExtractor(maxNumberOfShards: 30)
    {
        public override string EntityId(object message) => message is PlaceOrder o ? o.OrderId : null!;
    }
}

/// <summary>A stock keeper: one per node, subscribed to the "stock" topic in the "stock" group (see <see cref="ShopCluster"/>).</summary>
internal sealed class StockKeeper : ReceiveActor
{
    public const string Topic = "stock";

    public StockKeeper()
    {
        var node = ShopCluster.NodeOf(Context.System);
        Receive<Reserve>(reserve =>
            Sender.Tell(new Trail([.. reserve.Hops, new Hop("stock", node, Ids.RequestId.Get("(none)"))])));
    }
}
