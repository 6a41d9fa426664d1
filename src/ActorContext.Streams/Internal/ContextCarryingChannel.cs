using System.Threading.Channels;

namespace ActorContext.Streams.Internal;

/// <summary>A channel of items kept next to the context they were written under (see <see cref="ContextChannel"/>).</summary>
internal sealed class ContextCarryingChannel<T> : Channel<T>
{
    internal ContextCarryingChannel(Channel<(T Item, ContextSnapshot? Context)> inner)
    {
        Reader = new ContextChannelReader<T>(inner.Reader);
        Writer = new ContextChannelWriter<T>(inner.Writer);
    }
}
