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
/// </remarks>
internal sealed class ContextSnapshot
{
    private const int SmallLimit = 16;

    // One AsyncLocal for the whole library; it only ever holds immutable snapshots (never mutated in place,
    // because ExecutionContext copies the reference into every flow that captures it).
    private static readonly AsyncLocal<ContextSnapshot?> s_current = new();

    internal static readonly ContextSnapshot Empty = new(Array.Empty<IContextVar>(), Array.Empty<object?>(), null, null);

    private readonly IContextVar[] _keys;
    private readonly object?[] _values;
    private readonly ImmutableDictionary<IContextVar, object?>? _large;

    private ContextSnapshot(IContextVar[] keys, object?[] values, ImmutableDictionary<IContextVar, object?>? large, object? owner)
    {
        _keys = keys;
        _values = values;
        _large = large;
        Owner = owner;
    }

    /// <summary>The snapshot current in this flow; <see langword="null"/> when nothing was ever set.</summary>
    internal static ContextSnapshot? Current
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => s_current.Value;
        set => s_current.Value = value;
    }

    /// <summary>Makes <paramref name="snapshot"/> current, writing the AsyncLocal only when it differs.</summary>
    /// <remarks>Each AsyncLocal write allocates a new ExecutionContext, so redundant writes are the main cost to avoid.</remarks>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static void Restore(ContextSnapshot? snapshot)
    {
        if (!ReferenceEquals(s_current.Value, snapshot))
        {
            s_current.Value = snapshot;
        }
    }

    internal object? Owner { get; }

    internal int Count => _large?.Count ?? _keys.Length;

    internal bool IsEmpty => Count == 0;

    internal bool TryGet(IContextVar key, out object? value)
    {
        if (_large is null)
        {
            var keys = _keys;
            for (var i = 0; i < keys.Length; i++)
            {
                if (ReferenceEquals(keys[i], key))
                {
                    value = _values[i];
                    return true;
                }
            }

            value = null;
            return false;
        }

        return _large.TryGetValue(key, out value);
    }

    internal ContextSnapshot With(IContextVar key, object? value)
    {
        if (_large is not null)
        {
            return new ContextSnapshot(_keys, _values, _large.SetItem(key, value), Owner);
        }

        var index = Array.IndexOf(_keys, key);
        if (index >= 0)
        {
            var values = (object?[])_values.Clone();
            values[index] = value;
            return new ContextSnapshot(_keys, values, null, Owner);
        }

        if (_keys.Length >= SmallLimit)
        {
            var builder = ImmutableDictionary.CreateBuilder<IContextVar, object?>(ReferenceEqualityComparer.Instance);
            for (var i = 0; i < _keys.Length; i++)
            {
                builder.Add(_keys[i], _values[i]);
            }

            builder.Add(key, value);
            return new ContextSnapshot(Array.Empty<IContextVar>(), Array.Empty<object?>(), builder.ToImmutable(), Owner);
        }

        var newKeys = new IContextVar[_keys.Length + 1];
        var newValues = new object?[_keys.Length + 1];
        Array.Copy(_keys, newKeys, _keys.Length);
        Array.Copy(_values, newValues, _values.Length);
        newKeys[^1] = key;
        newValues[^1] = value;
        return new ContextSnapshot(newKeys, newValues, null, Owner);
    }

    internal ContextSnapshot Without(IContextVar key)
    {
        if (_large is not null)
        {
            return _large.ContainsKey(key) ? new ContextSnapshot(_keys, _values, _large.Remove(key), Owner) : this;
        }

        var index = Array.IndexOf(_keys, key);
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
        return new ContextSnapshot(newKeys, newValues, null, Owner);
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
        ReferenceEquals(owner, Owner) ? this : new ContextSnapshot(_keys, _values, _large, owner);

    internal IEnumerable<KeyValuePair<IContextVar, object?>> Entries()
    {
        if (_large is not null)
        {
            foreach (var pair in _large)
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
