namespace ActorContext;

/// <summary>Process-wide settings for the part of a context that crosses nodes.</summary>
public static class DistributedContext
{
    /// <summary>The default of <see cref="MaxEncodedBytes"/>: 4 KiB.</summary>
    public const int DefaultMaxEncodedBytes = 4096;

    private static int s_maxEncodedBytes = DefaultMaxEncodedBytes;

    /// <summary>
    /// The largest the distributed entries of one context may be when encoded. A set that would exceed it throws
    /// <see cref="ContextTooLargeException"/>; a received context over it is rejected as malformed.
    /// </summary>
    /// <remarks>Set it once at start-up, to the same value on every node.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">The value is below 64 bytes or above 1 MiB.</exception>
    public static int MaxEncodedBytes
    {
        get => Volatile.Read(ref s_maxEncodedBytes);
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 64);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 1024 * 1024);
            Volatile.Write(ref s_maxEncodedBytes, value);
        }
    }
}
