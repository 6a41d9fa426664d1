namespace ActorContext.Benchmarks;

/// <summary>A reusable "N parties are done" signal that allocates nothing per run (a waiting edge must not skew allocation counts).</summary>
internal sealed class Completion : IDisposable
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(120);
    private readonly ManualResetEventSlim _done = new(false);
    private int _remaining;
    private long _processed;

    /// <summary>Messages the counting actor has handled in the current run, published every 1024 messages.</summary>
    public long Processed => Volatile.Read(ref _processed);

    /// <summary>Called by the counting actor.</summary>
    public void Publish(long processed) => Volatile.Write(ref _processed, processed);

    /// <summary>
    /// Keeps the edge at most <paramref name="maxBacklog"/> messages ahead of the counting actor. Without it a flooding
    /// edge outruns the actor by millions of messages, and the mailbox's queue segments (24 bytes a slot) grow by a
    /// different amount in every run, which drowns the per-message allocation difference being measured.
    /// </summary>
    public void Throttle(long sent, long maxBacklog)
    {
        while (sent - Processed > maxBacklog)
        {
            Thread.Sleep(1);
        }
    }

    /// <summary>Prepares for <paramref name="parties"/> calls to <see cref="Signal"/>.</summary>
    public void Arm(int parties)
    {
        _done.Reset();
        Volatile.Write(ref _processed, 0);
        Volatile.Write(ref _remaining, parties);
    }

    public void Signal()
    {
        if (Interlocked.Decrement(ref _remaining) == 0)
        {
            _done.Set();
        }
    }

    public void Wait()
    {
        if (!_done.Wait(s_timeout))
        {
            throw new TimeoutException($"A benchmark scenario did not complete within {s_timeout.TotalSeconds} s ({Volatile.Read(ref _remaining)} parties left).");
        }
    }

    public void Dispose() => _done.Dispose();
}
