namespace ActorContext;

/// <summary>
/// What <see cref="ContextVar{T}.Set(T)"/> returns: remembers the var's previous value so it can be put back.
/// </summary>
/// <typeparam name="T">The var's value type.</typeparam>
/// <remarks>
/// Disposing the token resets the var once (a second dispose does nothing), so
/// <c>using var _ = requestId.Set(id);</c> scopes a value to a block.
/// </remarks>
public sealed class ContextToken<T> : IDisposable
{
    private readonly T _oldValue;
    private int _used;

    internal ContextToken(ContextVar<T> var, bool hasOldValue, T oldValue, object? owner)
    {
        Var = var;
        HasOldValue = hasOldValue;
        _oldValue = oldValue;
        Owner = owner;
    }

    /// <summary>The var whose <see cref="ContextVar{T}.Set(T)"/> created this token.</summary>
    public ContextVar<T> Var { get; }

    /// <summary>
    /// Whether the var had a value before the set. <see langword="false"/> is Python's <c>Token.MISSING</c>:
    /// the var had no value in the context, even if it has a default.
    /// </summary>
    public bool HasOldValue { get; }

    /// <summary>The value the var had before the set.</summary>
    /// <exception cref="InvalidOperationException">The var had no value (<see cref="HasOldValue"/> is false).</exception>
    public T OldValue => HasOldValue
        ? _oldValue
        : throw new InvalidOperationException(
            $"Context var '{Var.Name}' had no value before this set (Token.MISSING); check HasOldValue first.");

    internal T OldValueOrDefault => _oldValue;

    internal object? Owner { get; }

    internal bool IsUsed => Volatile.Read(ref _used) != 0;

    internal bool TryMarkUsed() => Interlocked.Exchange(ref _used, 1) == 0;

    /// <summary>Resets the var if the token was not used yet; does nothing the second time.</summary>
    public void Dispose()
    {
        if (!IsUsed)
        {
            Var.Reset(this);
        }
    }
}
