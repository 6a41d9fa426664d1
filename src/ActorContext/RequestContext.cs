namespace ActorContext;

/// <summary>
/// An Orleans-style string-keyed facade over the same ambient context that <see cref="ContextVar{T}"/> uses.
/// </summary>
/// <remarks>
/// Entries live in the same immutable snapshot as typed vars, so they flow exactly like
/// <see cref="ContextVar{T}"/> values (awaits, tasks, and every actor message). Every change builds a new
/// snapshot: a snapshot someone already captured — a queued message, a started task — is never mutated.
/// Prefer typed <see cref="ContextVar{T}"/>s in new code; this exists for code that thinks in string keys.
/// </remarks>
public static class RequestContext
{
    // A string key is found by its name in the context itself, never in a process-wide table: keys are as many as the
    // contexts that hold them, so neither local code nor another node sending new keys grows anything that outlives
    // a request. A set replaces the entry of that name, whichever key object holds it.

    /// <summary>Sets <paramref name="key"/> to <paramref name="value"/> in the current context.</summary>
    /// <param name="key">A non-empty key.</param>
    /// <param name="value">The value; <see langword="null"/> is stored as a value (use <see cref="Remove"/> to remove).</param>
    /// <exception cref="ArgumentException"><paramref name="key"/> is null or empty.</exception>
    /// <exception cref="ArgumentException">
    /// <paramref name="value"/> is not of a wire-safe type (string, bool, integers, double, decimal, Guid, DateTime,
    /// DateTimeOffset, TimeSpan, byte[]): entries cross nodes, so they must be encodable.
    /// </exception>
    /// <exception cref="ContextTooLargeException">The context's distributed entries would exceed <see cref="DistributedContext.MaxEncodedBytes"/>.</exception>
    public static void Set(string key, object? value)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        if (value is not null && !ContextWireFormat.IsWireSafe(value.GetType()))
        {
            throw new ArgumentException(
                $"RequestContext['{key}'] cannot hold a {value.GetType().Name}: entries cross nodes, so values must be wire-safe " +
                "(string, bool, integers, double, decimal, Guid, DateTime, DateTimeOffset, TimeSpan, byte[]). " +
                "Use a ContextVar with an IContextCodec, or a ContextScope.Process var, for other types.",
                nameof(value));
        }

        if (System.Text.Encoding.UTF8.GetByteCount(key) > ContextWireFormat.MaxNameBytes)
        {
            throw new ArgumentException($"RequestContext keys are at most {ContextWireFormat.MaxNameBytes} UTF-8 bytes.", nameof(key));
        }

        var current = ContextSnapshot.Current ?? ContextSnapshot.Empty;
        ContextSnapshot.Current = current.WithChecked(current.FindRequestKey(key) ?? new RequestContextKey(key), value);
    }

    /// <summary>The value of <paramref name="key"/> in the current context, or <see langword="null"/> when absent.</summary>
    /// <param name="key">A non-empty key.</param>
    /// <exception cref="ArgumentException"><paramref name="key"/> is null or empty.</exception>
    public static object? Get(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var current = ContextSnapshot.Current;
        return current is not null && current.FindRequestKey(key) is { } var && current.TryGet(var, out var value) ? value : null;
    }

    /// <summary>Removes <paramref name="key"/> from the current context.</summary>
    /// <param name="key">A non-empty key.</param>
    /// <returns><see langword="true"/> when the key was present.</returns>
    /// <exception cref="ArgumentException"><paramref name="key"/> is null or empty.</exception>
    public static bool Remove(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        var current = ContextSnapshot.Current;
        if (current is null || current.FindRequestKey(key) is not { } var)
        {
            return false;
        }

        ContextSnapshot.Current = current.Without(var);
        return true;
    }

    /// <summary>Removes every string-keyed entry from the current context; typed vars are left alone.</summary>
    public static void Clear()
    {
        var current = ContextSnapshot.Current;
        if (current is not null)
        {
            ContextSnapshot.Current = current.WithoutWhere(static k => k is RequestContextKey);
        }
    }

    /// <summary>The string keys present in the current context.</summary>
    public static IReadOnlyCollection<string> Keys
    {
        get
        {
            var current = ContextSnapshot.Current;
            if (current is null)
            {
                return Array.Empty<string>();
            }

            return current.Entries().Where(static p => p.Key is RequestContextKey).Select(static p => p.Key.Name).ToArray();
        }
    }

    /// <summary>A string key; two keys with the same name are the same entry (see <see cref="ContextSnapshot.TryGetVisible"/>).</summary>
    internal sealed class RequestContextKey(string name) : IContextVar
    {
        public string Name { get; } = name;

        public Type ValueType => typeof(object);

        public bool HasDefault => false;

        public ContextScope Scope => ContextScope.Distributed;

        // Not interned, so equal by name: two contexts holding the same key are equal whichever made them.
        public override bool Equals(object? obj) => obj is RequestContextKey other && string.Equals(other.Name, Name, StringComparison.Ordinal);

        public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Name);

        public override string ToString() => $"RequestContext['{Name}']";
    }
}
