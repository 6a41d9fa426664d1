using System.Collections.Immutable;
using Akka.Actor;

namespace ActorContext.Embedding;

/// <summary>The sample's context var.</summary>
internal static class Ids
{
    /// <summary>Set once at the edge; read by every actor from its own context.</summary>
    public static readonly ContextVar<string> RequestId = new("request-id");
}

/// <summary>What each hop read from its context, in order; travels with the message and back to the edge.</summary>
internal sealed record Trail(ImmutableList<(string Hop, string RequestId)> Hops);

/// <summary>
/// A plain actor: records the request ID its context holds, then forwards the message to the next hop (the last hop
/// answers the edge). It never receives the ID in a message.
/// </summary>
internal sealed class HopActor : ReceiveActor
{
    public HopActor(string name, IActorRef? next) =>
        Receive<Trail>(trail =>
        {
            var seen = trail with { Hops = trail.Hops.Add((name, Ids.RequestId.Get("(none)"))) };
            if (next is null)
            {
                Sender.Tell(seen);
            }
            else
            {
                next.Forward(seen);
            }
        });
}
