namespace ActorContext.TestKit;

/// <summary>Thrown by <see cref="ContextProbe"/> when a message's type or context is not what the test expected.</summary>
public sealed class ContextAssertionException : Exception
{
    /// <summary>Creates the exception with a message describing the expected and the actual context.</summary>
    /// <param name="message">What was expected and what was found.</param>
    public ContextAssertionException(string message)
        : base(message)
    {
    }
}
