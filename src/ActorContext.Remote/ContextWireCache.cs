using System.Runtime.CompilerServices;

namespace ActorContext.Remote;

/// <summary>
/// The serializer's memory of context encodings, both ways. A snapshot is immutable and shared by every message sent
/// under it, so it is encoded once; and the messages of one request arrive with the same context bytes, so they decode
/// once per thread into one shared snapshot (whose cached ExecutionContext then makes entering it free).
/// </summary>
/// <remarks>
/// Nothing here keeps a request alive: an encoding is held by its snapshot's lifetime, and a thread holds the snapshot
/// it decoded last only weakly.
/// </remarks>
internal static class ContextWireCache
{
    // Weak keys: an encoding lives exactly as long as its snapshot. A decoded snapshot's encoding is the payload it came
    // from, so forwarding it to another node costs no encoding either.
    private static readonly ConditionalWeakTable<ContextSnapshot, byte[]> s_encodings = new();

    [ThreadStatic]
    private static WeakReference<ContextSnapshot>? t_lastDecoded;

    /// <summary><see cref="ContextWireFormat.Encode"/>, once per snapshot. Callers must not modify the returned array.</summary>
    internal static byte[] Encode(ContextSnapshot? snapshot)
    {
        if (snapshot is null || snapshot.WireCount == 0)
        {
            return Array.Empty<byte>();
        }

        if (s_encodings.TryGetValue(snapshot, out var cached))
        {
            return cached;
        }

        // Racing threads encode the same snapshot to equal bytes; the first one stored is kept.
        var encoded = ContextWireFormat.Encode(snapshot);
        s_encodings.TryAdd(snapshot, encoded);
        return encoded;
    }

    /// <summary>
    /// <see cref="ContextWireFormat.Decode"/>, reusing the snapshot decoded last on this thread when the bytes are the
    /// same.
    /// </summary>
    /// <exception cref="ContextFormatException">The payload is malformed, too large, or does not match the vars declared here.</exception>
    internal static ContextSnapshot? Decode(ReadOnlySpan<byte> payload, int maxBytes)
    {
        var last = t_lastDecoded;
        if (last is not null && payload.Length <= maxBytes && last.TryGetTarget(out var kept)
            && s_encodings.TryGetValue(kept, out var bytes) && payload.SequenceEqual(bytes))
        {
            return kept;
        }

        var snapshot = ContextWireFormat.Decode(payload, maxBytes);
        if (snapshot is null)
        {
            return null;
        }

        // The payload is this snapshot's encoding (entries in the same order, forwarded ones as they came); a deadline
        // entry is re-encoded by every send anyway (see FlowDeadline.FreezeForWire), so its bytes here are never reused.
        s_encodings.AddOrUpdate(snapshot, payload.ToArray());
        if (last is null)
        {
            t_lastDecoded = new WeakReference<ContextSnapshot>(snapshot);
        }
        else
        {
            last.SetTarget(snapshot);
        }

        return snapshot;
    }
}
