namespace ActorContext.ClusterSharding;

/// <summary>The sample's context var: set once at the edge, read by every hop from its own context.</summary>
internal static class Ids
{
    /// <summary>Distributed: the value crosses to the other nodes with every message.</summary>
    public static readonly ContextVar<string> RequestId = new("request-id", ContextScope.Distributed);
}

/// <summary>One hop of a request: who handled it, on which node, and the request ID its context held.</summary>
/// <param name="Name">The hop (edge, order, stock).</param>
/// <param name="Node">The address of the node the hop ran on.</param>
/// <param name="RequestId">What the hop read from its context.</param>
public sealed record Hop(string Name, string Node, string RequestId);

/// <summary>Sent through the shard region to the order entity <paramref name="OrderId"/>.</summary>
/// <param name="OrderId">The entity ID.</param>
/// <param name="Item">What to reserve.</param>
/// <param name="Hops">The hops so far (the ID itself is never in the message).</param>
public sealed record PlaceOrder(string OrderId, string Item, Hop[] Hops);

/// <summary>Published by an order entity to one stock keeper, on whichever node pub/sub picks.</summary>
/// <param name="Item">What to reserve.</param>
/// <param name="Hops">The hops so far.</param>
public sealed record Reserve(string Item, Hop[] Hops);

/// <summary>The answer that travels back to the edge: every hop the request crossed.</summary>
/// <param name="Hops">The hops, in order.</param>
public sealed record Trail(Hop[] Hops);
