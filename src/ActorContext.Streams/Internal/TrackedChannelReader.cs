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
internal sealed class TrackedChannelReader<T>(ChannelReader<(T Item, ContextSnapshot? Context)> inner)
    : UnwrappingChannelReader<T>(inner), ChannelReads.ITrackedReader
{
    private T? _item;
    private ContextSnapshot? _context;
    private bool _read;

    protected override void OnRead(T item, ContextSnapshot? context)
    {
        _item = item;
        _context = context;
        _read = true;
    }

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
