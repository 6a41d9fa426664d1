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
    // The context the set made, until the token is used: then null. One field is both, so a token is 40 bytes.
    private ContextSnapshot? _next;

    internal ContextToken(ContextVar<T> var, ContextSnapshot previous, ContextSnapshot next)
    {
        Var = var;
        Previous = previous;
        _next = next;
    }

    /// <summary>The var whose <see cref="ContextVar{T}.Set(T)"/> created this token.</summary>
    public ContextVar<T> Var { get; }

    /// <summary>
    /// Whether the var had a value before the set. <see langword="false"/> is Python's <c>Token.MISSING</c>:
    /// the var had no value in the context, even if it has a default.
    /// </summary>
    public bool HasOldValue => Previous.TryGet(Var, out _);

    /// <summary>The value the var had before the set.</summary>
    /// <exception cref="InvalidOperationException">The var had no value (<see cref="HasOldValue"/> is false).</exception>
    public T OldValue => Previous.TryGet(Var, out var old)
        ? (T)old!
        : throw new InvalidOperationException(
            $"Context var '{Var.Name}' had no value before this set (Token.MISSING); check HasOldValue first.");

    internal T OldValueOrDefault => Previous.TryGet(Var, out var old) ? (T)old! : default!;

    /// <summary>The context the set changed (the old value is read from it, as Python's token keeps its context).</summary>
    internal ContextSnapshot Previous { get; }

    internal object? Owner => Previous.Owner;

    internal bool IsUsed => Volatile.Read(ref _next) is null;

    /// <summary>
    /// Marks the token used and returns the context its set made (while that is still current, a reset puts
    /// <see cref="Previous"/> back as it was); <see langword="null"/> when the token was used already.
    /// </summary>
    internal ContextSnapshot? TryMarkUsed() => Interlocked.Exchange(ref _next, null);

    /// <summary>Resets the var if the token was not used yet; does nothing the second time.</summary>
    public void Dispose()
    {
        if (!IsUsed)
        {
            Var.Reset(this);
        }
    }
}
