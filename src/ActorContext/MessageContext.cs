using System.Collections;
using System.Runtime.CompilerServices;

namespace ActorContext;

/// <summary>
/// A context: a mapping from <see cref="IContextVar"/> to value — Python's <c>contextvars.Context</c>.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="CopyCurrent"/> takes the context of the calling flow (Python's <c>copy_context()</c>);
/// <see cref="Run(Action)"/> enters a context so that every <see cref="ContextVar{T}"/> read and write inside
/// acts on it. Changes made inside stay in this instance — visible through the indexer and in later runs —
/// and never reach the caller's context, also when the delegate throws.
/// </para>
/// <para>
/// Copies are independent in both directions: a <see cref="MessageContext"/> holds an immutable snapshot,
/// and copying shares it rather than duplicating entries.
/// </para>
/// <para>
/// Unlike Python, where a coroutine's changes belong to its task's context, a .NET async method's changes
/// never flow back to its caller: <see cref="Run{TResult}(Func{TResult})"/> with an async delegate keeps none
/// of the delegate's changes, not even those made before its first <c>await</c>.
/// </para>
/// </remarks>
public sealed class MessageContext : IReadOnlyDictionary<IContextVar, object?>
{
    private ContextSnapshot _snapshot;
    private int _entered;

    // While entered: the state the entering thread made last (see Live), for readers on other threads.
    private volatile ContextSnapshot? _live;
    private int _enteringThread;

    /// <summary>Creates an empty context (Python's <c>contextvars.Context()</c>).</summary>
    public MessageContext()
    {
        _snapshot = ContextSnapshot.Empty.WithOwner(this);
    }

    private MessageContext(ContextSnapshot snapshot)
    {
        _snapshot = snapshot.WithOwner(this);
    }

    /// <summary>A copy of the calling flow's current context (Python's <c>copy_context()</c>).</summary>
    public static MessageContext CopyCurrent() => new(ContextSnapshot.Current ?? ContextSnapshot.Empty);

    /// <summary>An independent copy of this context; taken while the context runs, it holds the values as they are then.</summary>
    public MessageContext Copy() => new(Live);

    internal static MessageContext FromSnapshot(ContextSnapshot? snapshot) => new(snapshot ?? ContextSnapshot.Empty);

    internal ContextSnapshot Snapshot => Live;

    /// <summary>
    /// The entries as they are now: while the context runs, what the running code has set so far (Python's
    /// <c>ctx[var]</c> inside <c>ctx.run</c>); otherwise what the last run left.
    /// </summary>
    /// <remarks>
    /// A flow inside the run (the entering code, or a task it started) reads its own current snapshot, which carries
    /// this context as owner; any other flow reads what the entering thread set last (see <see cref="OnChanged"/>).
    /// </remarks>
    private ContextSnapshot Live
    {
        get
        {
            if (Volatile.Read(ref _entered) == 0)
            {
                return _snapshot;
            }

            var current = ContextSnapshot.Current;
            if (current is not null && ReferenceEquals(current.Owner, this))
            {
                return current;
            }

            return _live ?? _snapshot;
        }
    }

    /// <summary>Called for every change of a flow's snapshot owned by this context: keeps <see cref="Live"/> up to date for other threads.</summary>
    internal void OnChanged(ContextSnapshot snapshot)
    {
        // Only the entering flow's changes are the context's (tasks started inside the run change copies of it, as
        // Python's tasks do); the entering flow is the thread running Run synchronously.
        if (Volatile.Read(ref _entered) != 0 && _enteringThread == Environment.CurrentManagedThreadId)
        {
            _live = snapshot;
        }
    }

    /// <summary>Runs <paramref name="action"/> with this context as the current one.</summary>
    /// <param name="action">The code to run.</param>
    /// <exception cref="ArgumentNullException"><paramref name="action"/> is null.</exception>
    /// <exception cref="InvalidOperationException">This context is already entered, on this or another thread.</exception>
    public void Run(Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        Run(static a =>
        {
            a();
            return 0;
        }, action);
    }

    /// <summary>Runs <paramref name="func"/> with this context as the current one and returns its result.</summary>
    /// <typeparam name="TResult">The result type.</typeparam>
    /// <param name="func">The code to run.</param>
    /// <returns>What <paramref name="func"/> returned.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="func"/> is null.</exception>
    /// <exception cref="InvalidOperationException">This context is already entered, on this or another thread.</exception>
    public TResult Run<TResult>(Func<TResult> func)
    {
        ArgumentNullException.ThrowIfNull(func);
        return Run(static f => f(), func);
    }

    private TResult Run<TState, TResult>(Func<TState, TResult> body, TState state)
    {
        if (Interlocked.CompareExchange(ref _entered, 1, 0) != 0)
        {
            throw new InvalidOperationException(
                "This MessageContext is already entered; a context can be run by one caller at a time. Use Copy() to run the same values concurrently.");
        }

        _enteringThread = Environment.CurrentManagedThreadId;
        _live = _snapshot;
        var previous = ContextSnapshot.Current;
        ContextSnapshot.Current = _snapshot;
        try
        {
            return body(state);
        }
        finally
        {
            // Sets inside the delegate replaced the AsyncLocal's snapshot; keep them in this context.
            var after = ContextSnapshot.Current;
            if (after is not null && ReferenceEquals(after.Owner, this))
            {
                _snapshot = after;
            }

            ContextSnapshot.Current = previous;
            _live = null;
            Volatile.Write(ref _entered, 0);
        }
    }

    /// <summary>The typed value of <paramref name="var"/> in this context.</summary>
    /// <typeparam name="T">The var's value type.</typeparam>
    /// <param name="var">The var to look up.</param>
    /// <param name="value">The value, when present.</param>
    /// <returns><see langword="true"/> when this context holds a value for <paramref name="var"/> (defaults do not count).</returns>
    public bool TryGetValue<T>(ContextVar<T> var, out T value)
    {
        ArgumentNullException.ThrowIfNull(var);
        if (Live.TryGetVisible(var, out var boxed))
        {
            value = (T)boxed!;
            return true;
        }

        value = default!;
        return false;
    }

    /// <summary>The value of the first var named <paramref name="name"/>, or <see langword="null"/> when none has a value.</summary>
    /// <param name="name">The var name to look for.</param>
    /// <remarks>Names are not keys: when several vars share a name, which one answers is unspecified.</remarks>
    public object? Lookup(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        foreach (var pair in Live.VisibleEntries())
        {
            if (string.Equals(pair.Key.Name, name, StringComparison.Ordinal))
            {
                return pair.Value;
            }
        }

        return null;
    }

    /// <summary>The number of vars with a value in this context.</summary>
    public int Count => Live.VisibleCount;

    /// <summary>The value of <paramref name="key"/> in this context.</summary>
    /// <param name="key">The var.</param>
    /// <exception cref="KeyNotFoundException">The context holds no value for the var (defaults are not values).</exception>
    public object? this[IContextVar key]
    {
        get
        {
            ArgumentNullException.ThrowIfNull(key);
            return Live.TryGetVisible(key, out var value)
                ? value
                : throw new KeyNotFoundException($"Context var '{key.Name}' has no value in this context.");
        }
    }

    /// <summary>The vars with a value in this context.</summary>
    public IEnumerable<IContextVar> Keys => Live.VisibleEntries().Select(static p => p.Key);

    /// <summary>The values in this context.</summary>
    public IEnumerable<object?> Values => Live.VisibleEntries().Select(static p => p.Value);

    /// <summary>Whether the context holds a value for <paramref name="key"/>.</summary>
    /// <param name="key">The var.</param>
    public bool ContainsKey(IContextVar key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Live.TryGetVisible(key, out _);
    }

    /// <summary>Reads the value of <paramref name="key"/> in this context.</summary>
    /// <param name="key">The var.</param>
    /// <param name="value">The value, when present.</param>
    public bool TryGetValue(IContextVar key, out object? value)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Live.TryGetVisible(key, out value);
    }

    /// <summary>Enumerates the (var, value) entries.</summary>
    public IEnumerator<KeyValuePair<IContextVar, object?>> GetEnumerator() => Live.VisibleEntries().GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Two contexts are equal when they hold the same vars with equal values.</summary>
    /// <param name="obj">The object to compare with.</param>
    public override bool Equals(object? obj)
    {
        if (obj is not MessageContext other)
        {
            return false;
        }

        if (ReferenceEquals(this, other))
        {
            return true;
        }

        var mine = Live;
        var theirs = other.Live;
        if (mine.VisibleCount != theirs.VisibleCount)
        {
            return false;
        }

        foreach (var pair in mine.VisibleEntries())
        {
            if (!theirs.TryGetVisible(pair.Key, out var value) || !Equals(pair.Value, value))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A hash of the contents, consistent with <see cref="Equals(object?)"/>.</summary>
    /// <remarks>The contents change when <see cref="Run(Action)"/> sets vars, and so does the hash.</remarks>
    public override int GetHashCode()
    {
        // Order-independent: entries may be stored in any order.
        var hash = 0;
        foreach (var pair in Live.VisibleEntries())
        {
            hash += HashCode.Combine(
                ContextSnapshot.IsNamedKey(pair.Key) ? pair.Key.GetHashCode() : RuntimeHelpers.GetHashCode(pair.Key),
                pair.Value?.GetHashCode() ?? 0);
        }

        return hash;
    }

    /// <summary>Lists the entries as <c>name=value</c> pairs.</summary>
    public override string ToString() =>
        "{" + string.Join(", ", Live.VisibleEntries().Select(static p => $"{p.Key.Name}={p.Value}")) + "}";
}
