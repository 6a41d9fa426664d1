using System.Collections.Concurrent;
using System.Collections.Immutable;
using ActorContext.ConsoleHost.Pipeline;

namespace ActorContext.ConsoleHost.Server;

/// <summary>What the edge knows about one answered request.</summary>
/// <param name="EdgeId">The ID the edge set in the request's new context.</param>
/// <param name="ReplyId">The ID the last hop read from its context (what the client got).</param>
/// <param name="Trace">Every hop and the ID it read from its context, edge first.</param>
internal sealed record RequestRecord(string EdgeId, string ReplyId, ImmutableList<HopSeen> Trace)
{
    /// <summary>The hops whose context held the edge's ID, in order.</summary>
    public IEnumerable<string> HopsThatSawIt => Trace.Where(h => h.RequestId == EdgeId).Select(h => h.Hop);

    /// <summary>Whether every hop, and the reply, saw the edge's ID.</summary>
    public bool IsConsistent => ReplyId == EdgeId && Trace.All(h => h.RequestId == EdgeId);
}

/// <summary>
/// The self-test's window into the server: answered requests by the client's port and the request's position on its
/// connection. Off in <c>--serve</c> mode, so a long-running server keeps nothing.
/// </summary>
internal sealed class RequestJournal(bool enabled)
{
    private readonly ConcurrentDictionary<(int ClientPort, long Sequence), RequestRecord> _records = new();

    /// <summary>Stores a record when the journal is on.</summary>
    public void Add(int clientPort, long sequence, RequestRecord record)
    {
        if (enabled)
        {
            _records[(clientPort, sequence)] = record;
        }
    }

    /// <summary>Removes and returns the record of one request.</summary>
    public RequestRecord? Take(int clientPort, long sequence) =>
        _records.TryRemove((clientPort, sequence), out var record) ? record : null;
}
