namespace ActorContext.Tests;

/// <summary>
/// Equality assertions for <see cref="MessageContext"/> that go through its own Equals/GetHashCode
/// (xunit's Assert.Equal would compare it as an ordered collection of entries instead).
/// </summary>
internal static class ContextAssert
{
    public static void Equal(MessageContext expected, MessageContext actual)
    {
        Assert.True(expected.Equals(actual), $"expected {expected} to equal {actual}");
        Assert.True(actual.Equals(expected), $"expected {actual} to equal {expected}");
        Assert.Equal(expected.GetHashCode(), actual.GetHashCode());
    }

    public static void NotEqual(MessageContext expected, MessageContext actual)
    {
        Assert.False(expected.Equals(actual), $"expected {expected} not to equal {actual}");
        Assert.False(actual.Equals(expected), $"expected {actual} not to equal {expected}");
    }
}
