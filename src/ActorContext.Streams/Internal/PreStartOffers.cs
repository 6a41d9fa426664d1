using System.Collections;
using System.Reflection;
using ActorContext.Infrastructure;
using Akka.Streams.Implementation.Fusing;
using Akka.Streams.Stage;

namespace ActorContext.Streams.Internal;

/// <summary>
/// Elements offered to a <c>Source.Queue</c> before its stream has started keep the offering code's context.
/// </summary>
/// <remarks>
/// <c>Run</c> returns before the stream's actor has started; Akka.Streams keeps the offers made until then in a list
/// and replays them when the stage starts, on the actor's thread. When the actor's ref is made (during
/// materialization, before <c>Run</c> returns, so before any offer; its cell is made later, on the supervisor's thread)
/// that list is replaced by one that remembers the context of each offer and makes it current while the offer is
/// replayed: the replayed callback is then sent to the actor under it, as an offer made after the start would be.
/// </remarks>
internal static class PreStartOffers
{
    private const BindingFlags Instance = BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public;
    private static readonly FieldInfo? s_logics = typeof(GraphInterpreterShell).GetField("_logics", Instance);

    /// <summary>Installs the remembering list in every callback-wrapping stage of <paramref name="shell"/>.</summary>
    internal static void Capture(GraphInterpreterShell shell)
    {
        if (s_logics?.GetValue(shell) is not GraphStageLogic[] logics)
        {
            return;
        }

        foreach (var logic in logics)
        {
            for (var type = logic.GetType(); type is not null; type = type.BaseType)
            {
                if (type.IsGenericType && type.GetGenericTypeDefinition().FullName == "Akka.Streams.Stage.GraphStageLogicWithCallbackWrapper`1")
                {
                    Replace(logic, type);
                    break;
                }
            }
        }
    }

    private static void Replace(GraphStageLogic logic, Type wrapper)
    {
        // _callbackState.Value is NotInitialized(Args) until the stage starts; its Args is the list offers go to.
        var state = wrapper.GetField("_callbackState", Instance)?.GetValue(logic);
        var notInitialized = state?.GetType().GetProperty("Value")?.GetValue(state);
        var argsField = notInitialized?.GetType().GetField("<Args>k__BackingField", Instance);
        if (argsField?.GetValue(notInitialized) is not IList { Count: 0 } args || args is IRemembering)
        {
            // Offered to already (not ours to replace) or replaced already: an interpreter with a repointable ref (as
            // Akka.Streams makes them) is prepared when its ref is made and again when its cell is.
            return;
        }

        var item = argsField.FieldType.GetGenericArguments().FirstOrDefault();
        if (item is null || args.GetType().GetGenericArguments().FirstOrDefault() != item)
        {
            return;
        }

        argsField.SetValue(notInitialized, Activator.CreateInstance(typeof(RememberingList<>).MakeGenericType(item)));
    }

    /// <summary>Marks a list installed by <see cref="Replace"/>.</summary>
    private interface IRemembering;

    /// <summary>A list that remembers the context current when each item was added and restores it while the item is enumerated.</summary>
    private sealed class RememberingList<T> : IList<T>, IRemembering
    {
        private readonly List<(T Item, ContextSnapshot? Context)> _items = [];

        public T this[int index]
        {
            get => _items[index].Item;
            set => _items[index] = (value, ContextSnapshots.Current);
        }

        public int Count => _items.Count;

        public bool IsReadOnly => false;

        public void Add(T item) => _items.Add((item, ContextSnapshots.Current));

        public void Clear() => _items.Clear();

        public bool Contains(T item) => IndexOf(item) >= 0;

        public void CopyTo(T[] array, int arrayIndex)
        {
            foreach (var (item, _) in _items)
            {
                array[arrayIndex++] = item;
            }
        }

        public IEnumerator<T> GetEnumerator()
        {
            var previous = ContextSnapshots.Current;
            try
            {
                foreach (var (item, context) in _items)
                {
                    ContextSnapshots.Restore(context);
                    yield return item;
                }
            }
            finally
            {
                ContextSnapshots.Restore(previous);
            }
        }

        public int IndexOf(T item) => _items.FindIndex(entry => EqualityComparer<T>.Default.Equals(entry.Item, item));

        public void Insert(int index, T item) => _items.Insert(index, (item, ContextSnapshots.Current));

        public bool Remove(T item)
        {
            var index = IndexOf(item);
            if (index < 0)
            {
                return false;
            }

            _items.RemoveAt(index);
            return true;
        }

        public void RemoveAt(int index) => _items.RemoveAt(index);

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
    }
}
