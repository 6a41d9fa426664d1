namespace ActorContext;

/// <summary>
/// Go's <c>context.WithDeadline</c> / <c>WithTimeout</c> / <c>WithCancel</c> for a flow: a deadline and a cancellation
/// signal that travel with the context — through awaits, tasks and (with the Akka integration) every actor message.
/// </summary>
/// <remarks>
/// <para>
/// A scope can only shorten the deadline it inherits, never extend it, and cancelling a scope cancels every scope
/// started inside it, never the other way round — as in Go. <see cref="Token"/> fires at the deadline or when the
/// flow (or any enclosing scope) is cancelled, so downstream work can stop when the caller has given up.
/// </para>
/// <para>
/// Across nodes the deadline travels as the time remaining when the message was sent, so clock skew between nodes
/// does not matter; an explicit cancellation does not cross nodes (the other node still stops at the deadline).
/// </para>
/// </remarks>
/// <example>
/// <code>
/// using (FlowDeadline.WithTimeout(TimeSpan.FromSeconds(2)))
/// {
///     orders.Tell(new PlaceOrder());          // downstream: FlowDeadline.Remaining, FlowDeadline.Token
/// }
/// </code>
/// </example>
public static class FlowDeadline
{
    internal static readonly ContextVar<FlowScope> Current = ContextVar<FlowScope>.LibraryOwned("actor-context.deadline", new FlowScopeCodec());

    /// <summary>Starts a scope whose deadline is <paramref name="timeout"/> from now, or the inherited one if sooner.</summary>
    /// <param name="timeout">
    /// The budget; must not be negative. <see cref="Timeout.InfiniteTimeSpan"/>, like a budget too large to count down
    /// (<see cref="TimeSpan.MaxValue"/>), sets no deadline of its own: the inherited one, if any, still applies.
    /// </param>
    /// <returns>The scope; disposing it restores the enclosing deadline (it does not cancel anything).</returns>
    /// <exception cref="ArgumentOutOfRangeException"><paramref name="timeout"/> is negative (other than <see cref="Timeout.InfiniteTimeSpan"/>).</exception>
    public static FlowCancellation WithTimeout(TimeSpan timeout)
    {
        if (timeout == Timeout.InfiniteTimeSpan)
        {
            return Enter(null);
        }

        if (timeout < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(
                nameof(timeout),
                timeout,
                "A flow's timeout cannot be negative; pass TimeSpan.Zero for an already expired budget or Timeout.InfiniteTimeSpan for none of its own.");
        }

        // Now is the time since the machine started, so only budgets of thousands of years overflow: they never expire.
        var now = FlowScope.Now;
        return Enter(timeout > TimeSpan.MaxValue - now ? null : now + timeout);
    }

    /// <summary>Starts a scope with the given deadline, or the inherited one if sooner.</summary>
    /// <param name="deadline">When the flow's budget runs out.</param>
    /// <returns>The scope; disposing it restores the enclosing deadline.</returns>
    public static FlowCancellation WithDeadline(DateTimeOffset deadline) =>
        Enter(FlowScope.Now + (deadline - DateTimeOffset.UtcNow));

    /// <summary>Starts a scope that can be cancelled explicitly, keeping the inherited deadline.</summary>
    /// <returns>The scope: call <see cref="FlowCancellation.Cancel"/> to cancel it and every scope started inside it.</returns>
    public static FlowCancellation WithCancellation() => Enter(null);

    /// <summary>The time left before the current flow's deadline (zero once passed), or null when it has none.</summary>
    public static TimeSpan? Remaining => Current.TryGet(out var scope) ? scope.Remaining : null;

    /// <summary>Whether the current flow's deadline has passed or the flow was cancelled.</summary>
    public static bool IsExpired => Current.TryGet(out var scope) && scope.IsDone;

    /// <summary>
    /// Fires at the current flow's deadline or when it (or an enclosing scope) is cancelled;
    /// <see cref="CancellationToken.None"/> when the flow has neither.
    /// </summary>
    public static CancellationToken Token => Current.TryGet(out var scope) ? scope.Token : CancellationToken.None;

    /// <summary>
    /// <paramref name="context"/> as a message leaving for another node carries it: its flow's deadline as it is now,
    /// and expired if the flow is cancelled now — but detached from the flow, so a cancellation after the send does not
    /// follow the message (it is serialized later, when the endpoint gets to it).
    /// </summary>
    internal static ContextSnapshot FreezeForWire(ContextSnapshot context)
    {
        if (!FlowScope.InUse || !context.TryGet(Current, out var value) || value is not FlowScope flow)
        {
            return context;
        }

        return context.With(Current, new FlowScope(null, flow.IsCancelled ? FlowScope.Now : flow.Deadline));
    }

    private static FlowCancellation Enter(TimeSpan? deadline)
    {
        Current.TryGet(out var parent);
        var scope = new FlowScope(parent, deadline);
        return new FlowCancellation(scope, Current.Set(scope));
    }

    /// <summary>Encodes a scope as the time it has left, so the receiving node can re-base it on its own clock.</summary>
    private sealed class FlowScopeCodec : IContextCodec<FlowScope>
    {
        public byte[] Encode(FlowScope value)
        {
            var bytes = new byte[sizeof(long)];
            var writer = new WireWriter(bytes);
            writer.WriteInt64(value.IsCancelled ? 0 : (value.Remaining ?? TimeSpan.MaxValue).Ticks);
            return bytes;
        }

        public FlowScope Decode(ReadOnlySpan<byte> bytes)
        {
            if (bytes.Length != sizeof(long))
            {
                throw new FormatException($"A deadline is {sizeof(long)} bytes, not {bytes.Length}.");
            }

            var ticks = new WireReader(bytes, 0).ReadInt64("deadline");
            if (ticks < 0)
            {
                throw new FormatException("A deadline's remaining time cannot be negative.");
            }

            // A budget the receiving clock cannot add (thousands of years, or MaxValue: none) never expires here either.
            var now = FlowScope.Now;
            return new FlowScope(null, ticks > (TimeSpan.MaxValue - now).Ticks - 1 ? null : now + TimeSpan.FromTicks(ticks));
        }
    }
}
