using System.Threading.Channels;

namespace ActorContext.Streams.Internal;

/// <summary>
/// The reader of a <see cref="ContextCarryingChannel{T}"/> as user code sees it: the items alone. A stream that reads it
/// swaps it for a <see cref="TrackedChannelReader{T}"/> of its own (see <see cref="ChannelReads"/>).
/// </summary>
internal sealed class ContextChannelReader<T>(ChannelReader<(T Item, ContextSnapshot? Context)> inner)
    : UnwrappingChannelReader<T>(inner), ChannelReads.IContextReader
{
    public ChannelReads.ITrackedReader Track() => new TrackedChannelReader<T>(Inner);

    // Read outside a stream, an item's context has nowhere to go.
    protected override void OnRead(T item, ContextSnapshot? context)
    {
    }
}
