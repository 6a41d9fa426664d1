using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;

namespace ActorContext.Streams.Internal;

/// <summary>
/// The reader of a <see cref="ContextCarryingChannel{T}"/> as user code sees it: the items alone. A stream that reads it
/// swaps it for a <see cref="TrackedChannelReader{T}"/> of its own (see <see cref="ChannelReads"/>).
/// </summary>
internal sealed class ContextChannelReader<T>(ChannelReader<(T Item, ContextSnapshot? Context)> inner) : ChannelReader<T>, ChannelReads.IContextReader
{
    public override Task Completion => inner.Completion;

    public override bool CanCount => inner.CanCount;

    public override int Count => inner.Count;

    public override bool CanPeek => inner.CanPeek;

    public override bool TryRead([MaybeNullWhen(false)] out T item)
    {
        if (inner.TryRead(out var entry))
        {
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

    public ChannelReads.ITrackedReader Track() => new TrackedChannelReader<T>(inner);
}
