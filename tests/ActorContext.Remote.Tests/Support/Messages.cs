using Akka.Actor;

namespace ActorContext.Remote.Tests.Support;

// Messages that cross nodes (serialized by Akka's default JSON serializer inside the context frame).

/// <summary>Asks the receiver to report what it reads from its context.</summary>
public sealed record Probe(string Tag);

/// <summary>What a receiver read: its node's address and <see cref="Vars.Reading"/>.</summary>
public sealed record Report(string Tag, string Node, string Reading);

/// <summary>Asks a reporter to forward <see cref="Probe"/> to <see cref="Target"/> (sender kept).</summary>
public sealed record ForwardTo(IActorRef Target, Probe Probe);

/// <summary>
/// Asks a reporter to set a new request ID and a reply tag in its own context, then tell its report to
/// <see cref="ReplyTo"/> (or to the sender when null): the reply must carry the replier's context.
/// </summary>
public sealed record ChangeAndReply(string Tag, string NewRequestId, IActorRef? ReplyTo);

/// <summary>Asks a reporter what its PreStart read.</summary>
public sealed record PreStartReading(string Tag);

/// <summary>A message for a sharded entity; <see cref="ShardId"/> is chosen by the test.</summary>
public sealed record EntityProbe(string EntityId, string ShardId, string Tag, IActorRef? ReplyTo);

// Local-only messages (never leave the node that creates them).

/// <summary>Asks a parent to create a child deployed on <see cref="Target"/>.</summary>
public sealed record SpawnRemoteChild(string Name, Address Target);

/// <summary>Asks an asker actor to Ask <see cref="Target"/> and report its own context before and after.</summary>
public sealed record AskThrough(IActorRef Target, string Tag, string ReplierRequestId);

/// <summary>What the asker actor read before and after its await, and the reply it got.</summary>
public sealed record AskOutcome(string Before, Report Reply, string After);

/// <summary>Something a sink or subscriber received, with what it read from its context and where.</summary>
public sealed record Delivered(object Message, string Reading, string Node, IActorRef Sender);
