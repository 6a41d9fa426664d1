namespace ActorContext;

/// <summary>How far a <see cref="ContextVar{T}"/>'s value travels.</summary>
public enum ContextScope
{
    /// <summary>
    /// The value flows within this process — across awaits, tasks and local actor messages — and never leaves it.
    /// The default: any value type is allowed.
    /// </summary>
    Process = 0,

    /// <summary>
    /// The value also crosses to other nodes with remote messages. The value type must be wire-safe (string, bool,
    /// integers, double, decimal, Guid, DateTime, DateTimeOffset, TimeSpan, byte[]) or the var must have an
    /// <see cref="IContextCodec{T}"/>; the var's name identifies it on the other node, so it must be unique
    /// among live distributed vars.
    /// </summary>
    Distributed = 1,
}
