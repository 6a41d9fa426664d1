namespace ActorContext;

/// <summary>
/// Thrown by a set that would make the distributed part of the context larger than
/// <see cref="DistributedContext.MaxEncodedBytes"/>. The set does not happen: nothing is truncated. (A message whose
/// context is too large only because of the trace it carries — the baggage of <c>Activity.Current</c>, set outside
/// this library — is sent to other nodes without the trace, and a warning says so.)
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

    private ContextTooLargeException(int encodedBytes, int limit, string message)
        : base(message)
    {
        EncodedBytes = encodedBytes;
        Limit = limit;
    }

    /// <summary>A message's context, trace included, is over the limit when it is about to cross nodes.</summary>
    internal static ContextTooLargeException ForMessage(int encodedBytes, int limit, bool hasTrace) =>
        new(
            encodedBytes,
            limit,
            $"A message's distributed context is {encodedBytes} bytes when encoded{(hasTrace ? ", with the trace of the Activity current when it was sent" : string.Empty)}, " +
            $"over the limit of {limit} bytes (DistributedContext.MaxEncodedBytes), so it was not sent. " +
            (hasTrace ? "Trim that Activity's baggage and trace state, or raise the limit on every node." : "Raise the limit on every node."));

    /// <summary>The encoded size the context would have had.</summary>
    public int EncodedBytes { get; }

    /// <summary>The limit in force.</summary>
    public int Limit { get; }
}
