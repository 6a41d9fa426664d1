using System.Collections.Immutable;
using Akka.Actor;

namespace ActorContext.WebApi.Shop;

/// <summary>One hop and the request ID it read from its own context.</summary>
public sealed record HopSeen(string Hop, string Saw);

/// <summary>The endpoint's Ask to orders.</summary>
public sealed record PlaceOrder(string Item);

/// <summary>Orders' Ask to stock.</summary>
public sealed record Reserve(string Item);

/// <summary>Stock's answer.</summary>
public sealed record Reserved(string Item, string Shelf, HopSeen Hop);

/// <summary>Stock's answer piped back to orders, with what orders needs to carry on.</summary>
public sealed record StockAnswered(Reserved Reserved, IActorRef ReplyTo, ImmutableList<HopSeen> Hops);

/// <summary>Orders' Tell to shipping.</summary>
public sealed record Ship(string Item, string Shelf, IActorRef ReplyTo, ImmutableList<HopSeen> Hops);

/// <summary>Shipping's answer to the endpoint, returned as JSON.</summary>
public sealed record OrderPlaced(string RequestId, string Item, string Shelf, ImmutableList<HopSeen> Hops);
