using System.Collections.Immutable;
using Akka.Actor;

namespace ActorContext.ConsoleHost.Pipeline;

/// <summary>One hop's record: its name and the request ID it read from its own context.</summary>
internal sealed record HopSeen(string Hop, string RequestId);

/// <summary>
/// The request as it travels. Deliberately carries no request ID: each hop reads that from its context and only
/// appends what it saw to <see cref="Trace"/>, so a propagation bug shows up as a mismatch instead of being hidden.
/// </summary>
internal sealed record Work(string Payload, IActorRef ReplyTo, ImmutableList<HopSeen> Trace)
{
    /// <summary>This message with one more hop recorded, its ID read from the current context.</summary>
    public Work Seen(string hop) => Seen(hop, RequestIds.Seen());

    /// <summary>This message with one more hop recorded.</summary>
    public Work Seen(string hop, string requestId) => this with { Trace = Trace.Add(new HopSeen(hop, requestId)) };
}

/// <summary>What the last hop sends back to the edge: the ID <em>it</em> saw, and the whole trace.</summary>
internal sealed record Answer(string RequestId, ImmutableList<HopSeen> Trace);

/// <summary>The directory's question (an Ask from the enrich hop).</summary>
internal sealed record Lookup(string Payload);

/// <summary>The directory's answer, with the ID the directory saw in its own context.</summary>
internal sealed record DirectoryEntry(string Region, string SeenRequestId);

/// <summary>The directory's answer piped back to the enrich actor, next to the work it belongs to.</summary>
internal sealed record Enriched(Work Work, DirectoryEntry Entry);

/// <summary>The directory did not answer in time.</summary>
internal sealed record EnrichFailed(Work Work, Exception Cause);

/// <summary>A timer firing for one request.</summary>
internal sealed record Fire(Work Work, int DelayMs);
