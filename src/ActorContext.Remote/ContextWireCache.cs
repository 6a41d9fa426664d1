using ActorContext.Infrastructure;

namespace ActorContext.Remote;

/// <summary>
/// The serializer's memory of context encodings, both ways, per thread: the messages of one request are sent under one
/// snapshot and arrive with the same context bytes, so a thread encodes that snapshot once, and decodes those bytes once
/// into one shared snapshot (whose cached ExecutionContext then makes entering it free). A snapshot decoded here and
/// sent on from the same thread goes out as the bytes it came in.
/// </summary>
/// <remarks>
/// Per thread, not per snapshot, so that a context sent only once (a new request, a deadline re-frozen by every send)
/// costs its encoding and nothing more, and a snapshot carries no transport state. A thread holds the snapshots it
/// encoded (the last four) and decoded (the last one) only weakly, so it keeps no request alive; it keeps their bytes
/// (each at most the size limit) until later misses replace them.
/// </remarks>
internal static class ContextWireCache
{
    // Several, because the threads of a dispatcher each decode their own snapshot for the same bytes, and any of them
    // may then send under any of those snapshots.
    private const int EncodedPerThread = 4;

    [ThreadStatic]
    private static Slot?[]? t_encoded;

    [ThreadStatic]
    private static int t_nextEncoded;

    [ThreadStatic]
    private static Slot? t_decoded;

    /// <summary><see cref="ContextWire.Encode"/>, reusing this thread's last encoding of the same snapshot. Callers must not modify the returned array.</summary>
    internal static byte[] Encode(ContextSnapshot? snapshot)
    {
        if (!ContextWire.HasWireEntries(snapshot))
        {
            return Array.Empty<byte>();
        }

        var encoded = t_encoded;
        if (encoded is not null)
        {
            foreach (var slot in encoded)
            {
                if (slot?.BytesOf(snapshot) is { } cached)
                {
                    return cached;
                }
            }
        }

        if (t_decoded?.BytesOf(snapshot) is { } received)
        {
            return received;
        }

        var bytes = ContextWire.Encode(snapshot);
        encoded ??= t_encoded = new Slot?[EncodedPerThread];
        var next = t_nextEncoded;
        t_nextEncoded = (next + 1) % EncodedPerThread;
        Remember(ref encoded[next], snapshot, bytes);
        return bytes;
    }

    /// <summary>
    /// <see cref="ContextWire.Decode"/>, reusing the snapshot decoded last on this thread when the bytes are the
    /// same.
    /// </summary>
    /// <exception cref="ContextFormatException">The payload is malformed, too large, or does not match the vars declared here.</exception>
    internal static ContextSnapshot? Decode(ReadOnlySpan<byte> payload, int maxBytes)
    {
        if (payload.Length <= maxBytes && t_decoded?.SnapshotOf(payload) is { } kept)
        {
            return kept;
        }

        var snapshot = ContextWire.Decode(payload, maxBytes);
        if (snapshot is not null)
        {
            // The payload is this snapshot's encoding (entries in the same order, forwarded ones as they came); a deadline
            // entry is re-encoded by every send anyway (see FlowDeadline.FreezeForWire), so its bytes here are never reused.
            Remember(ref t_decoded, snapshot, payload.ToArray());
        }

        return snapshot;
    }

    private static void Remember(ref Slot? slot, ContextSnapshot snapshot, byte[] bytes)
    {
        if (slot is null)
        {
            slot = new Slot(snapshot, bytes);
        }
        else
        {
            slot.Set(snapshot, bytes);
        }
    }

    /// <summary>A snapshot, held weakly, and its encoding.</summary>
    private sealed class Slot(ContextSnapshot snapshot, byte[] bytes)
    {
        private readonly WeakReference<ContextSnapshot> _snapshot = new(snapshot);
        private byte[] _bytes = bytes;

        public byte[]? BytesOf(ContextSnapshot snapshot) =>
            _snapshot.TryGetTarget(out var kept) && ReferenceEquals(kept, snapshot) ? _bytes : null;

        public ContextSnapshot? SnapshotOf(ReadOnlySpan<byte> bytes) =>
            _snapshot.TryGetTarget(out var kept) && bytes.SequenceEqual(_bytes) ? kept : null;

        public void Set(ContextSnapshot snapshot, byte[] bytes)
        {
            _snapshot.SetTarget(snapshot);
            _bytes = bytes;
        }
    }
}
