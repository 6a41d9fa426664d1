using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;

namespace ActorContext.Streams.Internal;

/// <summary>
/// A reader of a <see cref="ContextCarryingChannel{T}"/> that hands out the items alone; what a subclass does with each
/// read item's context is <see cref="OnRead"/>.
/// </summary>
internal abstract class UnwrappingChannelReader<T>(ChannelReader<(T Item, ContextSnapshot? Context)> inner) : ChannelReader<T>
{
    /// <summary>The channel's own reader, of items with their writers' contexts.</summary>
    protected ChannelReader<(T Item, ContextSnapshot? Context)> Inner => inner;

    public override Task Completion => inner.Completion;

    public override bool CanCount => inner.CanCount;

    public override int Count => inner.Count;

    public override bool CanPeek => inner.CanPeek;

    public override bool TryRead([MaybeNullWhen(false)] out T item)
    {
        if (inner.TryRead(out var entry))
        {
            OnRead(entry.Item, entry.Context);
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

    /// <summary>Called for each item read (not peeked), with the context it was written under.</summary>
    protected abstract void OnRead(T item, ContextSnapshot? context);
}
