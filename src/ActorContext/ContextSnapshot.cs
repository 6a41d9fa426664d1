using System.Collections.Immutable;
using System.Runtime.CompilerServices;

namespace ActorContext;

/// <summary>
/// An immutable set of (var, value) entries: the thing that flows with async code and with messages.
/// </summary>
/// <remarks>
/// Every change builds a new snapshot, so capturing the current context (what every message send does)
/// is a single reference read and a snapshot can be shared by any number of queued messages.
/// Small contexts (the common 1–16 entries) are a flat array scanned by reference; larger ones switch to
/// an immutable hash map so 10,000 vars stay correct without quadratic copying.
/// <see cref="Owner"/> identifies the logical context the snapshot belongs to (a <see cref="MessageContext"/>
/// being run, or <see langword="null"/> for the ambient flow) so tokens can refuse to be reset elsewhere.
/// <para>
/// Public only as an opaque handle for the ActorContext packages' seams (the <c>Infrastructure</c> namespaces), which
/// pass it between core and the engine and the transports; it has no public members. Not for applications.
/// </para>
/// </remarks>
[System.ComponentModel.EditorBrowsable(System.ComponentModel.EditorBrowsableState.Never)]
public sealed class ContextSnapshot
{
    private const int SmallLimit = 16;

    // One AsyncLocal for the whole library; it only ever holds immutable snapshots (never mutated in place,
    // because ExecutionContext copies the reference into every flow that captures it).
    private static readonly AsyncLocal<ContextSnapshot?> s_current = new();

    internal static readonly ContextSnapshot Empty = new(Array.Empty<IContextVar>(), Array.Empty<object?>(), null, null, 0, 0, null);

    private readonly IContextVar[] _keys;
    private readonly object?[] _values;
    // A large snapshot keeps its map as the only value, behind this marker as keys: no field of its own, so a snapshot
    // (what each ContextVar.Set allocates) is no larger for the rare large one.
    private static readonly IContextVar[] s_largeKeys = new IContextVar[0];

    private ContextSnapshot(IContextVar[] keys, object?[] values, ImmutableDictionary<IContextVar, object?>? large, object? owner, int wireCount, int wireBytes, TraceParent? trace)
    {
        Trace = trace;
        if (large is null)
        {
            _keys = keys;
            _values = values;
        }
        else
        {
            _keys = s_largeKeys;
            _values = [large];
        }

        Owner = owner;
        WireCount = wireCount;
        WireBytes = wireBytes;
    }

    /// <summary>
    /// The value of the trace entry (see <see cref="TraceCarrier"/>), kept in a field so a receiver learns whether the
    /// message carries a trace without a lookup; <see langword="null"/> when there is none.
    /// </summary>
    internal TraceParent? Trace { get; }

    /// <summary>How many entries cross nodes (distributed vars and RequestContext keys).</summary>
    internal int WireCount { get; }

    /// <summary>The encoded size of those entries, kept up to date by every change so a set can be refused before it happens.</summary>
    internal int WireBytes { get; }

    /// <summary>The encoded size of the whole distributed part.</summary>
    internal int WireSize => ContextWireFormat.TotalSize(WireCount, WireBytes);

    /// <summary>The snapshot current in this flow; <see langword="null"/> when nothing was ever set.</summary>
    internal static ContextSnapshot? Current
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => s_current.Value;
        set
        {
            s_current.Value = value;

            // A change made while a MessageContext runs is that context's too (Python's ctx[var] inside ctx.run).
            if (value?.Owner is MessageContext owner)
            {
                owner.OnChanged(value);
            }
        }
    }

    /// <summary>Makes <paramref name="snapshot"/> current, writing the AsyncLocal only when it differs.</summary>
    /// <remarks>
    /// Each AsyncLocal write allocates a new ExecutionContext (72 bytes), and an actor's mailbox run starts on a
    /// thread-pool thread with an empty one, so a naive restore pays that for nearly every message. When the thread
    /// holds nothing but this library's value — the empty ExecutionContext, or one this method installed — the
    /// ExecutionContext that holds exactly the target snapshot is built once per snapshot, cached on it, and swapped
    /// in with <see cref="ExecutionContext.Restore(ExecutionContext)"/>: no allocation, and no other AsyncLocal is
    /// lost because there is none. Otherwise the AsyncLocal is written as usual.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Restore(ContextSnapshot? snapshot)
    {
        // The thread's ExecutionContext is read once. When it is the very instance that holds exactly the target (the
        // common case of consecutive messages with one context), there is nothing to do and no AsyncLocal lookup; this
        // check is inlined into the caller, the rest is not.
        var thread = ExecutionContext.Capture();
        if (thread is null || !ReferenceEquals(thread, snapshot is null ? s_emptyExecutionContext : snapshot._soleExecutionContext))
        {
            RestoreChanged(snapshot, thread);
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void RestoreChanged(ContextSnapshot? snapshot, ExecutionContext? thread)
    {
        var current = s_current.Value;
        if (ReferenceEquals(current, snapshot))
        {
            return;
        }

        if (thread is null
            || s_emptyExecutionContext is null
            || !(ReferenceEquals(thread, s_emptyExecutionContext) || (current is not null && ReferenceEquals(thread, current._soleExecutionContext))))
        {
            s_current.Value = snapshot;
            return;
        }

        var target = snapshot is null ? s_emptyExecutionContext : snapshot._soleExecutionContext;
        if (target is not null)
        {
            ExecutionContext.Restore(target);
            return;
        }

        // First time this snapshot is entered on a clean thread: the write builds its ExecutionContext; keep it.
        s_current.Value = snapshot;
        snapshot!._soleExecutionContext ??= ExecutionContext.Capture();
    }

    // The ExecutionContext a thread has when nothing was set (the runtime's default instance), read once from a
    // fresh thread started with flow suppressed. Null disables the allocation-free restore, never correctness.
    private static readonly ExecutionContext? s_emptyExecutionContext = CaptureEmptyExecutionContext();

    // The ExecutionContext holding this snapshot and nothing else; built on first use by Restore.
    private ExecutionContext? _soleExecutionContext;

    /// <summary>Whether <paramref name="executionContext"/> holds this snapshot and no other AsyncLocal value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal bool IsSoleExecutionContext(ExecutionContext? executionContext) =>
        executionContext is not null && ReferenceEquals(executionContext, _soleExecutionContext);

    /// <summary>
    /// Whether <paramref name="executionContext"/> (a thread's, from <see cref="ExecutionContext.Capture"/>) is the one a
    /// thread has when nothing was set: then no snapshot is current, and no AsyncLocal lookup is needed to know it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool IsEmptyExecutionContext(ExecutionContext? executionContext) =>
        executionContext is not null && ReferenceEquals(executionContext, s_emptyExecutionContext);

    private static ExecutionContext? CaptureEmptyExecutionContext()
    {
        ExecutionContext? captured = null;
        using (ExecutionContext.SuppressFlow())
        {
            var thread = new Thread(() => captured = ExecutionContext.Capture()) { IsBackground = true, Name = "ActorContext probe" };
            thread.Start();
            thread.Join();
        }

        return captured;
    }

    internal object? Owner { get; }

    /// <summary>Whether the entries are in a hash map (more than 16 of them) rather than flat arrays.</summary>
    internal bool IsLarge => ReferenceEquals(_keys, s_largeKeys);

    /// <summary>The map of a snapshot of more than 16 entries; <see langword="null"/> for a small one.</summary>
    private ImmutableDictionary<IContextVar, object?>? Large =>
        IsLarge ? Unsafe.As<ImmutableDictionary<IContextVar, object?>>(_values[0]) : null;

    internal int Count => Large?.Count ?? _keys.Length;

    internal bool IsEmpty => Count == 0;

    internal bool TryGet(IContextVar key, out object? value)
    {
        var large = Large;
        if (large is null)
        {
            var index = IndexOf(key);
            value = index >= 0 ? _values[index] : null;
            return index >= 0;
        }

        return large.TryGetValue(key, out value);
    }

    /// <summary>
    /// Returns a snapshot where <paramref name="key"/> holds <paramref name="value"/>, and what it held before,
    /// with one scan of the entries (what <c>ContextVar.Set</c> needs for its token).
    /// </summary>
    internal ContextSnapshot With(IContextVar key, object? value, out bool hadOld, out object? old)
    {
        var large = Large;
        if (large is not null)
        {
            hadOld = large.TryGetValue(key, out old);
            return new ContextSnapshot(_keys, _values, large.SetItem(key, value), Owner, WireCount + CountDelta(key, hadOld), WireBytes + ByteDelta(key, hadOld, old, value), TraceAfterSet(key, value));
        }

        var index = IndexOf(key);
        hadOld = index >= 0;
        old = hadOld ? _values[index] : null;
        return hadOld ? Replace(index, value) : Add(key, value);
    }

    /// <summary>
    /// <see cref="With(IContextVar, object?, out bool, out object?)"/> for a process-local key (the caller knows its
    /// scope): nothing to count for the wire, so no interface call on the key. A replaced value is copied with a loop,
    /// cheaper than <see cref="Array.Copy(Array, Array, int)"/> for the few entries a small snapshot has.
    /// </summary>
    internal ContextSnapshot WithLocal(IContextVar key, object? value, out bool hadOld, out object? old)
    {
        if (Large is null)
        {
            var index = IndexOf(key);
            if (index >= 0)
            {
                hadOld = true;
                var source = _values;
                old = source[index];
                var values = new object?[source.Length];
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = source[i];
                }

                values[index] = value;
                return new ContextSnapshot(_keys, values, null, Owner, WireCount, WireBytes, Trace);
            }
        }

        return With(key, value, out hadOld, out old);
    }

    // Vars are keys by identity: a reference scan, no virtual Equals.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private int IndexOf(IContextVar key)
    {
        var keys = _keys;
        for (var i = 0; i < keys.Length; i++)
        {
            if (ReferenceEquals(keys[i], key))
            {
                return i;
            }
        }

        return -1;
    }

    internal ContextSnapshot With(IContextVar key, object? value) => With(key, value, out _, out _);

    private ContextSnapshot Replace(int index, object? value)
    {
        var values = new object?[_values.Length];
        Array.Copy(_values, values, values.Length);
        values[index] = value;
        return new ContextSnapshot(_keys, values, null, Owner, WireCount, WireBytes + ByteDelta(_keys[index], true, _values[index], value), TraceAfterSet(_keys[index], value));
    }

    private ContextSnapshot Add(IContextVar key, object? value)
    {
        if (_keys.Length >= SmallLimit)
        {
            var builder = ImmutableDictionary.CreateBuilder<IContextVar, object?>(ReferenceEqualityComparer.Instance);
            for (var i = 0; i < _keys.Length; i++)
            {
                builder.Add(_keys[i], _values[i]);
            }

            builder.Add(key, value);
            return new ContextSnapshot(Array.Empty<IContextVar>(), Array.Empty<object?>(), builder.ToImmutable(), Owner, WireCount + CountDelta(key, false), WireBytes + ByteDelta(key, false, null, value), TraceAfterSet(key, value));
        }

        var newKeys = new IContextVar[_keys.Length + 1];
        var newValues = new object?[_keys.Length + 1];
        Array.Copy(_keys, newKeys, _keys.Length);
        Array.Copy(_values, newValues, _values.Length);
        newKeys[^1] = key;
        newValues[^1] = value;
        return new ContextSnapshot(newKeys, newValues, null, Owner, WireCount + CountDelta(key, false), WireBytes + ByteDelta(key, false, null, value), TraceAfterSet(key, value));
    }

    internal ContextSnapshot Without(IContextVar key)
    {
        var large = Large;
        if (large is not null)
        {
            return large.TryGetValue(key, out var removed)
                ? new ContextSnapshot(_keys, _values, large.Remove(key), Owner, WireCount - CountDelta(key, false), WireBytes - ContextWireFormat.EntrySize(key, removed), TraceAfterRemove(key))
                : this;
        }

        var index = IndexOf(key);
        if (index < 0)
        {
            return this;
        }

        var newKeys = new IContextVar[_keys.Length - 1];
        var newValues = new object?[_keys.Length - 1];
        Array.Copy(_keys, 0, newKeys, 0, index);
        Array.Copy(_keys, index + 1, newKeys, index, _keys.Length - index - 1);
        Array.Copy(_values, 0, newValues, 0, index);
        Array.Copy(_values, index + 1, newValues, index, _values.Length - index - 1);
        return new ContextSnapshot(newKeys, newValues, null, Owner, WireCount - CountDelta(key, false), WireBytes - ContextWireFormat.EntrySize(key, _values[index]), TraceAfterRemove(key));
    }

    /// <summary>Removes every entry whose key matches <paramref name="predicate"/>.</summary>
    internal ContextSnapshot WithoutWhere(Func<IContextVar, bool> predicate)
    {
        var result = this;
        foreach (var pair in this.Entries())
        {
            if (predicate(pair.Key))
            {
                result = result.Without(pair.Key);
            }
        }

        return result;
    }

    /// <summary>The same entries under another owner; entries are shared, not copied.</summary>
    internal ContextSnapshot WithOwner(object? owner) =>
        ReferenceEquals(owner, Owner) ? this : new ContextSnapshot(_keys, _values, Large, owner, WireCount, WireBytes, Trace);

    /// <summary>
    /// <see cref="With(IContextVar, object?)"/> for a set made by user code: refuses, before anything changes, a
    /// value that would make the distributed part larger than <see cref="DistributedContext.MaxEncodedBytes"/>.
    /// </summary>
    internal ContextSnapshot WithChecked(IContextVar key, object? value) => Checked(key, With(key, value));

    internal static ContextSnapshot Checked(IContextVar key, ContextSnapshot result)
    {
        if (key.Scope == ContextScope.Distributed)
        {
            // The trace entry is not the user's to trim (its baggage is set on the Activity, and no user code sets it):
            // it is checked when a message is serialized for another node, not here.
            var size = result.Trace is { } trace
                ? ContextWireFormat.TotalSize(result.WireCount - 1, result.WireBytes - ContextWireFormat.EntrySize(TraceCarrier.Var, trace))
                : result.WireSize;
            var limit = DistributedContext.MaxEncodedBytes;
            if (size > limit)
            {
                throw new ContextTooLargeException(key.Name, size, limit);
            }
        }

        return result;
    }

    private TraceParent? TraceAfterSet(IContextVar key, object? value) =>
        ReferenceEquals(key, TraceCarrier.Var) ? value as TraceParent : Trace;

    private TraceParent? TraceAfterRemove(IContextVar key) => ReferenceEquals(key, TraceCarrier.Var) ? null : Trace;

    // A process-local key contributes nothing to the wire counts.
    private static int CountDelta(IContextVar key, bool hadOld) =>
        hadOld || key.Scope != ContextScope.Distributed ? 0 : 1;

    private static int ByteDelta(IContextVar key, bool hadOld, object? old, object? value) =>
        key.Scope != ContextScope.Distributed
            ? 0
            : ContextWireFormat.EntrySize(key, value) - (hadOld ? ContextWireFormat.EntrySize(key, old) : 0);

    /// <summary>
    /// Whether <paramref name="key"/> is one of the library's own entries (the trace, the deadline, and any added
    /// later): they travel with the context like any entry, but no public surface — <see cref="MessageContext"/>, log
    /// scopes, <see cref="RequestContext"/> — lists, counts or compares them.
    /// </summary>
    internal static bool IsLibraryOwned(IContextVar key) => key is IWireVar { IsLibraryOwned: true };

    /// <summary>
    /// The entries as every public surface shows them: without the library's own entries, and with an entry forwarded
    /// for a var this node does not declare showing its decoded wire value (a string, a number, ... or, for a value
    /// its codec wrote, those bytes), never an internal type.
    /// </summary>
    internal IEnumerable<KeyValuePair<IContextVar, object?>> VisibleEntries()
    {
        foreach (var pair in Entries())
        {
            if (IsLibraryOwned(pair.Key))
            {
                continue;
            }

            yield return pair.Value is ContextWireFormat.ForwardedValue forwarded
                ? new KeyValuePair<IContextVar, object?>(pair.Key, forwarded.Value)
                : pair;
        }
    }

    /// <summary>How many entries <see cref="VisibleEntries"/> lists.</summary>
    internal int VisibleCount
    {
        get
        {
            var count = 0;
            foreach (var pair in Entries())
            {
                if (!IsLibraryOwned(pair.Key))
                {
                    count++;
                }
            }

            return count;
        }
    }

    /// <summary><see cref="TryGet"/> as the public surfaces see it (see <see cref="VisibleEntries"/>).</summary>
    internal bool TryGetVisible(IContextVar key, out object? value)
    {
        // String keys and entries forwarded for undeclared vars are not interned: another context may hold the same
        // name under another key object.
        if (IsLibraryOwned(key)
            || (!TryGet(key, out value) && !(IsNamedKey(key) && FindNamedKey(key) is { } named && TryGet(named, out value))))
        {
            value = null;
            return false;
        }

        if (value is ContextWireFormat.ForwardedValue forwarded)
        {
            value = forwarded.Value;
        }

        return true;
    }

    /// <summary>Whether <paramref name="key"/> is identified by its kind and name rather than by reference (see <see cref="FindNamedKey"/>).</summary>
    internal static bool IsNamedKey(IContextVar key) => key is RequestContext.RequestContextKey or ContextWireFormat.ForwardedVar;

    /// <summary>The key of this snapshot equal to <paramref name="key"/> (same kind, same name), or null.</summary>
    private IContextVar? FindNamedKey(IContextVar key)
    {
        foreach (var pair in Entries())
        {
            if (pair.Key.Equals(key))
            {
                return pair.Key;
            }
        }

        return null;
    }

    /// <summary>The <see cref="RequestContext"/> key named <paramref name="name"/> in this snapshot, or null.</summary>
    internal RequestContext.RequestContextKey? FindRequestKey(string name)
    {
        foreach (var pair in Entries())
        {
            if (pair.Key is RequestContext.RequestContextKey found && string.Equals(found.Name, name, StringComparison.Ordinal))
            {
                return found;
            }
        }

        return null;
    }

    internal IEnumerable<KeyValuePair<IContextVar, object?>> Entries()
    {
        var large = Large;
        if (large is not null)
        {
            foreach (var pair in large)
            {
                yield return pair;
            }

            yield break;
        }

        for (var i = 0; i < _keys.Length; i++)
        {
            yield return new KeyValuePair<IContextVar, object?>(_keys[i], _values[i]);
        }
    }
}
