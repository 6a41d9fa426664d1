using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;

namespace ActorContext.Streams.Internal;

/// <summary>
/// One stream's reader of a <see cref="ContextCarryingChannel{T}"/>: remembers the context of the item it read last,
/// which the stage pushes right away.
/// </summary>
/// <remarks>
/// The stage reads and pushes on the interpreter's thread, one item at a time (it reads again only after the item it
/// pushed was taken downstream), so one slot, touched by that thread only, is enough. Other readers of the same channel
/// have readers of their own.
/// </remarks>
internal sealed class TrackedChannelReader<T>(ChannelReader<(T Item, ContextSnapshot? Context)> inner) : ChannelReader<T>, ChannelReads.ITrackedReader
{
    private T? _item;
    private ContextSnapshot? _context;
    private bool _read;

    public override Task Completion => inner.Completion;

    public override bool CanCount => inner.CanCount;

    public override int Count => inner.Count;

    public override bool CanPeek => inner.CanPeek;

    public override bool TryRead([MaybeNullWhen(false)] out T item)
    {
        if (inner.TryRead(out var entry))
        {
            _item = entry.Item;
            _context = entry.Context;
            _read = true;
            item = entry.Item;
            return true;
        }

        item = default;
        return false;
    }

    public override bool TryPeek([MaybeNullWhen(false)] out T item)
    {
        if (inner.TryPeek(out var entry))
        {
            item = entry.Item;
            return true;
        }

        item = default;
        return false;
    }

    public override ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default) => inner.WaitToReadAsync(cancellationToken);

    public ContextSnapshot? ContextOf(object pushed, ContextSnapshot? materialization)
    {
        if (!_read)
        {
            return materialization;
        }

        var same = pushed is T item && EqualityComparer<T>.Default.Equals(item, _item);
        var context = _context;
        _read = false;
        _item = default;
        _context = null;
        return same ? context : materialization;
    }
}
