namespace ActorContext;

/// <summary>
/// A typed variable whose value lives in the current context — Python's <c>contextvars.ContextVar</c> for .NET.
/// </summary>
/// <typeparam name="T">The type of the value.</typeparam>
/// <remarks>
/// <para>
/// A var holds no value itself: reads and writes act on the context current in this flow (the ambient
/// context, or the <see cref="MessageContext"/> being run). The value flows into <c>await</c>s,
/// <see cref="Task.Run(Action)"/>, thread-pool work and new threads through the ExecutionContext; a change
/// made inside an async method does not flow back to its caller. With the Akka integration, it also flows
/// with every message an actor sends and is current again while the receiver handles that message.
/// </para>
/// <para>Declare vars once, as <c>static readonly</c> fields: they are compared by identity, not by name.</para>
/// </remarks>
/// <example>
/// <code>
/// static readonly ContextVar&lt;string&gt; RequestId = new("request-id");
///
/// using (RequestId.Set("r-42"))
/// {
///     actor.Tell(new Work()); // the actor sees RequestId.Get() == "r-42" while it handles Work
/// }
/// </code>
/// </example>
public sealed class ContextVar<T> : IContextVar, IWireVar
{
    private readonly T _default;
    private readonly IContextCodec<T>? _codec;

    /// <summary>Declares a process-local var without a default: <see cref="Get()"/> throws when the context has no value.</summary>
    /// <param name="name">A name for diagnostics and logs; it does not have to be unique.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null, empty or white space.</exception>
    public ContextVar(string name)
        : this(name, default!, hasDefault: false, ContextScope.Process, codec: null)
    {
    }

    /// <summary>Declares a process-local var whose <see cref="Get()"/> returns <paramref name="defaultValue"/> when the context has no value.</summary>
    /// <param name="name">A name for diagnostics and logs; it does not have to be unique.</param>
    /// <param name="defaultValue">The value <see cref="Get()"/> returns when the context holds none.</param>
    /// <exception cref="ArgumentException"><paramref name="name"/> is null, empty or white space.</exception>
    public ContextVar(string name, T defaultValue)
        : this(name, defaultValue, hasDefault: true, ContextScope.Process, codec: null)
    {
    }

    /// <summary>Declares a var with the given scope and no default.</summary>
    /// <param name="name">The name; for a distributed var it identifies the var on other nodes and must be unique.</param>
    /// <param name="scope">Whether the value crosses to other nodes.</param>
    /// <exception cref="ArgumentException">
    /// The name is empty; or the var is distributed and <typeparamref name="T"/> is not wire-safe, or another live
    /// distributed var has the same name.
    /// </exception>
    public ContextVar(string name, ContextScope scope)
        : this(name, default!, hasDefault: false, scope, codec: null)
    {
    }

    /// <summary>Declares a var with the given scope and a default.</summary>
    /// <param name="name">The name; for a distributed var it identifies the var on other nodes and must be unique.</param>
    /// <param name="defaultValue">The value <see cref="Get()"/> returns when the context holds none.</param>
    /// <param name="scope">Whether the value crosses to other nodes.</param>
    /// <exception cref="ArgumentException">
    /// The name is empty; or the var is distributed and <typeparamref name="T"/> is not wire-safe, or another live
    /// distributed var has the same name.
    /// </exception>
    public ContextVar(string name, T defaultValue, ContextScope scope)
        : this(name, defaultValue, hasDefault: true, scope, codec: null)
    {
    }

    /// <summary>Declares a distributed var whose values cross nodes through <paramref name="codec"/>.</summary>
    /// <param name="name">The name; it identifies the var on other nodes and must be unique.</param>
    /// <param name="codec">Encodes and decodes the values.</param>
    /// <exception cref="ArgumentException">The name is empty or taken by another live distributed var.</exception>
    public ContextVar(string name, IContextCodec<T> codec)
        : this(name, default!, hasDefault: false, ContextScope.Distributed, codec ?? throw new ArgumentNullException(nameof(codec)))
    {
    }

    /// <summary>Declares a distributed var with a default, whose values cross nodes through <paramref name="codec"/>.</summary>
    /// <param name="name">The name; it identifies the var on other nodes and must be unique.</param>
    /// <param name="defaultValue">The value <see cref="Get()"/> returns when the context holds none.</param>
    /// <param name="codec">Encodes and decodes the values.</param>
    /// <exception cref="ArgumentException">The name is empty or taken by another live distributed var.</exception>
    public ContextVar(string name, T defaultValue, IContextCodec<T> codec)
        : this(name, defaultValue, hasDefault: true, ContextScope.Distributed, codec ?? throw new ArgumentNullException(nameof(codec)))
    {
    }

    private ContextVar(string name, T defaultValue, bool hasDefault, ContextScope scope, IContextCodec<T>? codec)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!Enum.IsDefined(scope))
        {
            throw new ArgumentOutOfRangeException(nameof(scope), scope, "Use ContextScope.Process or ContextScope.Distributed.");
        }

        Name = name;
        _default = defaultValue;
        HasDefault = hasDefault;
        Scope = scope;
        _codec = codec;
        if (scope != ContextScope.Distributed)
        {
            return;
        }

        if (codec is null && !ContextWireFormat.IsWireSafe(typeof(T)))
        {
            throw new ArgumentException(
                $"ContextVar<{typeof(T).Name}> '{name}' cannot be distributed: {typeof(T).Name} is not a wire-safe type " +
                "(string, bool, integers, double, decimal, Guid, DateTime, DateTimeOffset, TimeSpan, byte[]). " +
                $"Give it a codec — new ContextVar<{typeof(T).Name}>(name, codec) — or declare it ContextScope.Process.",
                nameof(scope));
        }

        if (System.Text.Encoding.UTF8.GetByteCount(name) > ContextWireFormat.MaxNameBytes)
        {
            throw new ArgumentException($"Distributed var names are at most {ContextWireFormat.MaxNameBytes} UTF-8 bytes.", nameof(name));
        }

        DistributedVars.Register(this);
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public Type ValueType => typeof(T);

    /// <inheritdoc />
    public bool HasDefault { get; }

    /// <inheritdoc />
    public ContextScope Scope { get; }

    bool IWireVar.HasCodec => _codec is not null;

    bool IWireVar.IsLibraryOwned => _libraryOwned;

    private bool _libraryOwned;

    /// <summary>Declares one of the library's own distributed entries (the trace, the deadline): no public surface shows it.</summary>
    internal static ContextVar<T> LibraryOwned(string name, IContextCodec<T> codec) => new(name, codec) { _libraryOwned = true };

    byte[] IWireVar.EncodeValue(object value) => _codec!.Encode((T)value);

    object? IWireVar.DecodeValue(ReadOnlySpan<byte> bytes) => _codec!.Decode(bytes);

    /// <summary>The value in the current context, else the var's default.</summary>
    /// <exception cref="KeyNotFoundException">The current context holds no value and the var has no default.</exception>
    public T Get()
    {
        if (TryGet(out var value))
        {
            return value;
        }

        if (HasDefault)
        {
            return _default;
        }

        throw new KeyNotFoundException(
            $"Context var '{Name}' has no value in the current context and no default. " +
            (MissingContextHint.Describe()
                ?? "Set it at the edge of the flow, declare it with a default, or read it with Get(fallback) or TryGet."));
    }

    /// <summary>The value in the current context, else <paramref name="fallback"/> (the var's default is not used).</summary>
    /// <param name="fallback">What to return when the current context holds no value.</param>
    public T Get(T fallback) => TryGet(out var value) ? value : fallback;

    /// <summary>Reads the value in the current context.</summary>
    /// <param name="value">The value, when the context holds one; otherwise <c>default</c>.</param>
    /// <returns><see langword="true"/> when the current context holds a value (defaults do not count).</returns>
    public bool TryGet(out T value)
    {
        var current = ContextSnapshot.Current;
        if (current is not null && current.TryGet(this, out var boxed))
        {
            value = (T)boxed!;
            return true;
        }

        value = default!;
        return false;
    }

    /// <summary>Sets the var's value in the current context.</summary>
    /// <param name="value">The new value.</param>
    /// <returns>A token that restores the previous value when passed to <see cref="Reset"/> or disposed.</returns>
    /// <exception cref="ContextTooLargeException">
    /// The var is distributed and the context's distributed entries would exceed
    /// <see cref="DistributedContext.MaxEncodedBytes"/>; nothing changes.
    /// </exception>
    /// <remarks>
    /// The change is visible to this flow from now on and to everything it starts or sends afterwards; contexts
    /// captured earlier (messages already sent, tasks already started) keep what they had.
    /// </remarks>
    public ContextToken<T> Set(T value)
    {
        var current = ContextSnapshot.Current ?? ContextSnapshot.Empty;
        bool hadOld;
        object? old;
        var next = Scope == ContextScope.Distributed
            ? ContextSnapshot.Checked(this, current.With(this, value, out hadOld, out old))
            : current.WithLocal(this, value, out hadOld, out old);
        ContextSnapshot.Current = next;
        return new ContextToken<T>(this, hadOld, old, current, next);
    }

    /// <summary>
    /// Puts the var back to what it was before the <see cref="Set"/> that returned <paramref name="token"/>:
    /// the old value, or no value when it had none. Tokens need not be reset in the order they were made.
    /// </summary>
    /// <param name="token">The token <see cref="Set"/> returned.</param>
    /// <exception cref="ArgumentNullException"><paramref name="token"/> is null.</exception>
    /// <exception cref="InvalidOperationException">The token was already used.</exception>
    /// <exception cref="ArgumentException">The token belongs to another var, or was created in a different context.</exception>
    /// <remarks>A reset that throws changes nothing.</remarks>
    public void Reset(ContextToken<T> token)
    {
        ArgumentNullException.ThrowIfNull(token);
        var previous = token.Previous;
        if (previous is null)
        {
            throw UsedAlready(token.Var);
        }

        if (!ReferenceEquals(token.Var, this))
        {
            throw new ArgumentException(
                $"The token was created by context var '{token.Var.Name}', not by '{Name}'. Reset it with the var that created it.",
                nameof(token));
        }

        var current = ContextSnapshot.Current ?? ContextSnapshot.Empty;
        if (!ReferenceEquals(previous.Owner, current.Owner))
        {
            throw new ArgumentException(
                $"The token for context var '{Name}' was created in a different context. Reset it inside the same context (the same MessageContext.Run, or outside any).",
                nameof(token));
        }

        var next = token.TryMarkUsed();
        if (next is null)
        {
            throw UsedAlready(this);
        }

        // Nothing changed since the set (the scoped `using var _ = v.Set(x)` case): the context before it is exactly what
        // the reset must produce, so it is put back as it was instead of being built again. The empty context of a flow
        // that had none becomes none again, so the thread's ExecutionContext can drop the entry.
        if (ReferenceEquals(current, next))
        {
            ContextSnapshot.Current = ReferenceEquals(previous, ContextSnapshot.Empty) ? null : previous;
            return;
        }

        ContextSnapshot.Current = !token.HasOldValue
            ? current.Without(this)
            : Scope == ContextScope.Distributed
                ? current.With(this, token.OldValueOrDefault)
                : current.WithLocal(this, token.OldValueOrDefault, out _, out _);
    }

    private static InvalidOperationException UsedAlready(ContextVar<T> var) =>
        new($"This token for context var '{var.Name}' has already been used; a token resets its var only once.");

    /// <summary>Returns a description naming the var.</summary>
    public override string ToString() => $"ContextVar<{typeof(T).Name}>('{Name}')";
}
