namespace ActorContext;

/// <summary>
/// A serialized context could not be decoded: it is truncated, corrupted, of an unknown version, larger than the
/// configured limit, or names a var whose type here does not match the payload.
/// </summary>
/// <remarks>The decoder throws only this type, whatever the input; the message says what was wrong and where.</remarks>
public sealed class ContextFormatException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What was wrong with the payload.</param>
    public ContextFormatException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with the error that caused it (e.g. a codec's).</summary>
    /// <param name="message">What was wrong with the payload.</param>
    /// <param name="innerException">The underlying error.</param>
    public ContextFormatException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
