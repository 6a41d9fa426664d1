using System.Diagnostics;

namespace ActorContext;

/// <summary>One level of deadline and cancellation: linked to its parent, so cancellation flows downward only.</summary>
internal sealed class FlowScope
{
    private static readonly double s_ticksPerTimestamp = (double)TimeSpan.TicksPerSecond / Stopwatch.Frequency;

    // CancelAfter takes at most ~49 days; a deadline further away than that is still checked by IsDone.
    private static readonly TimeSpan MaxTimer = TimeSpan.FromDays(45);

    /// <summary>Whether any flow in this process ever had a deadline or cancellation scope; lets receivers skip the check.</summary>
    internal static volatile bool InUse;
    private readonly CancellationTokenSource _source;

    internal FlowScope(FlowScope? parent, TimeSpan? deadline)
    {
        InUse = true;
        // Never longer than the parent's (Go's rule): a child's deadline is the sooner of the two.
        Deadline = parent?.Deadline is { } inherited && (deadline is null || inherited < deadline) ? inherited : deadline;
        _source = parent is null ? new CancellationTokenSource() : CancellationTokenSource.CreateLinkedTokenSource(parent.Token);
        if (Deadline is { } due)
        {
            var left = due - Now;
            if (left <= TimeSpan.Zero)
            {
                _source.Cancel();
            }
            else if (left < MaxTimer)
            {
                _source.CancelAfter(left);
            }
        }
    }

    /// <summary>Monotonic time, immune to wall-clock changes.</summary>
    internal static TimeSpan Now => TimeSpan.FromTicks((long)(Stopwatch.GetTimestamp() * s_ticksPerTimestamp));

    /// <summary>The deadline on the monotonic clock, or null.</summary>
    internal TimeSpan? Deadline { get; }

    internal TimeSpan? Remaining => Deadline is { } due ? (due - Now is var left && left > TimeSpan.Zero ? left : TimeSpan.Zero) : null;

    internal bool IsCancelled => _source.IsCancellationRequested;

    internal bool IsDone => IsCancelled || Remaining == TimeSpan.Zero;

    internal CancellationToken Token => _source.Token;

    internal void Cancel() => _source.Cancel();

    public override string ToString() =>
        IsCancelled ? "cancelled" : Remaining is { } left ? $"{left.TotalMilliseconds:F0} ms left" : "no deadline";
}
