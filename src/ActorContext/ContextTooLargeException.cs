namespace ActorContext;

/// <summary>
/// Thrown by a set that would make the distributed part of the context larger than
/// <see cref="DistributedContext.MaxEncodedBytes"/>. The set does not happen: nothing is truncated.
/// </summary>
public sealed class ContextTooLargeException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="name">The var or key being set.</param>
    /// <param name="encodedBytes">The encoded size the context would have had.</param>
    /// <param name="limit">The limit in force.</param>
    public ContextTooLargeException(string name, int encodedBytes, int limit)
        : base($"Setting '{name}' would make the distributed context {encodedBytes} bytes when encoded, over the limit of {limit} bytes " +
               $"(DistributedContext.MaxEncodedBytes). Carry large data in messages, make the var ContextScope.Process, or raise the limit on every node.")
    {
        EncodedBytes = encodedBytes;
        Limit = limit;
    }

    /// <summary>The encoded size the context would have had.</summary>
    public int EncodedBytes { get; }

    /// <summary>The limit in force.</summary>
    public int Limit { get; }
}
