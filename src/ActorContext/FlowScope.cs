using System.Diagnostics;

namespace ActorContext;

/// <summary>One level of deadline and cancellation: linked to its parent, so cancellation flows downward only.</summary>
/// <remarks>
/// <para>
/// The deadline is checked against the monotonic clock wherever it is asked for (<see cref="IsDone"/>), so a scope
/// needs no timer until someone asks for its <see cref="Token"/>: only then is a token source made, set to fire at
/// the deadline and to follow the parent's cancellation. Most scopes are only ever checked by receivers, and cost
/// no timer and no registration.
/// </para>
/// <para>
/// A long-lived scope (one per connection, say) has a child per request. The child holds its parent, never the
/// other way round: a parent keeps one registration on its own token and a list of weak references to the token
/// sources of the children that asked for theirs, pruned of collected and finished children as it grows. A request's
/// scope that nobody uses any more is collected while its parent lives on, and the list stays about as long as the
/// number of children still alive. Links upward are strong (a token source holds its scope, a scope its parent), so
/// whoever holds a token keeps the scopes above it, and with them the path a cancellation takes to reach it. A scope
/// whose token was asked for and that has a deadline lives until that deadline fires (its timer holds it).
/// </para>
/// </remarks>
internal sealed class FlowScope
{
    private static readonly double s_ticksPerTimestamp = (double)TimeSpan.TicksPerSecond / Stopwatch.Frequency;

    // CancelAfter takes at most ~49 days; a deadline further away than that is still checked by IsDone.
    private static readonly TimeSpan MaxTimer = TimeSpan.FromDays(45);

    /// <summary>Whether any flow in this process ever had a deadline or cancellation scope; lets receivers skip the check.</summary>
    internal static volatile bool InUse;

    private readonly FlowScope? _parent;
    private volatile bool _cancelled;
    private volatile CancellationTokenSource? _source;

    // Children whose token source exists, held weakly; guarded by lock (this). Null until the first one.
    private List<WeakReference<CancellationTokenSource>>? _children;
    private int _pruneAt = 64;

    internal FlowScope(FlowScope? parent, TimeSpan? deadline)
    {
        InUse = true;
        _parent = parent;
        // Never longer than the parent's (Go's rule): a child's deadline is the sooner of the two.
        Deadline = parent?.Deadline is { } inherited && (deadline is null || inherited < deadline) ? inherited : deadline;
    }

    /// <summary>Monotonic time, immune to wall-clock changes.</summary>
    internal static TimeSpan Now => TimeSpan.FromTicks((long)(Stopwatch.GetTimestamp() * s_ticksPerTimestamp));

    /// <summary>The deadline on the monotonic clock, or null.</summary>
    internal TimeSpan? Deadline { get; }

    internal TimeSpan? Remaining => Deadline is { } due ? (due - Now is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero) : null;

    /// <summary>Whether this scope or an enclosing one was cancelled (or, once its token exists, its deadline fired).</summary>
    internal bool IsCancelled
    {
        get
        {
            for (var scope = this; scope is not null; scope = scope._parent)
            {
                if (scope._cancelled || scope._source?.IsCancellationRequested == true)
                {
                    return true;
                }
            }

            return false;
        }
    }

    internal bool IsDone => IsCancelled || Remaining == TimeSpan.Zero;

    /// <summary>Fires at the deadline or when this scope or an enclosing one is cancelled; made on first use.</summary>
    internal CancellationToken Token => (_source ?? CreateSource()).Token;

    internal void Cancel()
    {
        // The flag first, and a full fence before reading the source (a volatile write and a later volatile read of
        // another field may be reordered): a token source made concurrently either sees the flag, or is seen here.
        _cancelled = true;
        Interlocked.MemoryBarrier();
        _source?.Cancel();
    }

    private CancellationTokenSource CreateSource()
    {
        var source = new ScopeSource(this);
        var winner = Interlocked.CompareExchange(ref _source, source, null);
        if (winner is not null)
        {
            source.Dispose();
            return winner;
        }

        // Adopt cancels the source at once if an enclosing scope already is cancelled.
        _parent?.Adopt(source);

        // Pairs with the fence in Cancel.
        Interlocked.MemoryBarrier();
        if (_cancelled)
        {
            source.Cancel();
        }
        else if (Deadline is { } due)
        {
            var left = due - Now;
            if (left <= TimeSpan.Zero)
            {
                source.Cancel();
            }
            else if (left < MaxTimer)
            {
                source.CancelAfter(left);
            }
        }

        return source;
    }

    /// <summary>Cancels <paramref name="child"/> when this scope is cancelled (at once, if it already is).</summary>
    private void Adopt(CancellationTokenSource child)
    {
        var token = Token;
        lock (this)
        {
            // Checked under the lock: CancelChildren copies the list under it after the token was cancelled, so a
            // child added after that copy would be missed; it sees the cancellation here instead.
            if (!token.IsCancellationRequested && !IsCancelled)
            {
                if (_children is null)
                {
                    _children = [];

                    // Runs at once (on this thread, re-entering the lock) if the token was cancelled meanwhile.
                    token.UnsafeRegister(static state => ((FlowScope)state!).CancelChildren(), this);
                }

                if (_children is { } children)
                {
                    if (children.Count >= _pruneAt)
                    {
                        children.RemoveAll(static w => !w.TryGetTarget(out var c) || c.IsCancellationRequested);
                        _pruneAt = Math.Max(64, children.Count * 2);
                    }

                    children.Add(new WeakReference<CancellationTokenSource>(child));
                    return;
                }
            }
        }

        child.Cancel();
    }

    private void CancelChildren()
    {
        WeakReference<CancellationTokenSource>[] children;
        lock (this)
        {
            children = _children?.ToArray() ?? [];
            _children = null;
        }

        // Every child is cancelled even if callbacks registered on one of them throw, as with linked token sources;
        // what they threw is rethrown together afterwards.
        List<Exception>? errors = null;
        foreach (var reference in children)
        {
            if (reference.TryGetTarget(out var child))
            {
                try
                {
                    child.Cancel();
                }
                catch (AggregateException ex)
                {
                    (errors ??= []).AddRange(ex.InnerExceptions);
                }
            }
        }

        if (errors is not null)
        {
            throw new AggregateException(errors);
        }
    }

    /// <summary>
    /// A scope's token source, holding its scope: whoever holds a token keeps the scopes above it (and so their
    /// sources and their lists) alive, so a cancellation from above still reaches it. Nothing points downward strongly.
    /// </summary>
    private sealed class ScopeSource(FlowScope owner) : CancellationTokenSource
    {
        internal FlowScope Owner { get; } = owner;
    }

    public override string ToString() =>
        IsCancelled ? "cancelled" : Remaining is { } left ? $"{left.TotalMilliseconds:F0} ms left" : "no deadline";
}
