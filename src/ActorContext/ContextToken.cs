namespace ActorContext;

/// <summary>
/// What <see cref="ContextVar{T}.Set(T)"/> returns: remembers the var's previous value so it can be put back.
/// </summary>
/// <typeparam name="T">The var's value type.</typeparam>
/// <remarks>
/// <para>
/// Disposing the token resets the var once (a second dispose does nothing), so
/// <c>using var _ = requestId.Set(id);</c> scopes a value to a block.
/// </para>
/// <para>
/// Until it is used, a token keeps the context its set changed and the one it made (as a message sent then would), so
/// that a reset with nothing changed in between puts the old context back as it was, allocating nothing. Once used, it
/// keeps only the old value.
/// </para>
/// </remarks>
public sealed class ContextToken<T> : IDisposable
{
    // Stands for "no old value" (Python's Token.MISSING) in _old, so the token needs no flag of its own.
    private static readonly object s_missing = new();

    // The var's value before the set, as the snapshot held it (boxed already, so nothing is boxed again), or s_missing.
    private readonly object? _old;

    // The contexts before and after the set, for a reset that puts the one before back as it was (see ContextVar.Reset).
    // Both are dropped when the token is used, so a used token keeps only the old value; _next doubles as the flag.
    private ContextSnapshot? _previous;
    private ContextSnapshot? _next;

    internal ContextToken(ContextVar<T> var, bool hadOld, object? old, ContextSnapshot previous, ContextSnapshot next)
    {
        Var = var;
        _old = hadOld ? old : s_missing;
        _previous = previous;
        _next = next;
    }

    /// <summary>The var whose <see cref="ContextVar{T}.Set(T)"/> created this token.</summary>
    public ContextVar<T> Var { get; }

    /// <summary>
    /// Whether the var had a value before the set. <see langword="false"/> is Python's <c>Token.MISSING</c>:
    /// the var had no value in the context, even if it has a default.
    /// </summary>
    public bool HasOldValue => !ReferenceEquals(_old, s_missing);

    /// <summary>The value the var had before the set.</summary>
    /// <exception cref="InvalidOperationException">The var had no value (<see cref="HasOldValue"/> is false).</exception>
    public T OldValue => HasOldValue
        ? (T)_old!
        : throw new InvalidOperationException(
            $"Context var '{Var.Name}' had no value before this set (Token.MISSING); check HasOldValue first.");

    internal T OldValueOrDefault => HasOldValue ? (T)_old! : default!;

    /// <summary>The context the set changed; <see langword="null"/> once the token was used.</summary>
    internal ContextSnapshot? Previous => Volatile.Read(ref _previous);

    internal bool IsUsed => Volatile.Read(ref _next) is null;

    /// <summary>
    /// Marks the token used and returns the context its set made (while that is still current, a reset puts the context
    /// before back as it was); <see langword="null"/> when the token was used already.
    /// </summary>
    internal ContextSnapshot? TryMarkUsed()
    {
        var next = Interlocked.Exchange(ref _next, null);
        if (next is not null)
        {
            Volatile.Write(ref _previous, null);
        }

        return next;
    }

    /// <summary>Resets the var if the token was not used yet; does nothing the second time.</summary>
    public void Dispose()
    {
        if (!IsUsed)
        {
            Var.Reset(this);
        }
    }
}
