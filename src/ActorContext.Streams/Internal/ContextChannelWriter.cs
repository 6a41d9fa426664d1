using System.Threading.Channels;
using ActorContext.Akka.Infrastructure;

namespace ActorContext.Streams.Internal;

/// <summary>Writes each item with the context current where it is written, as a <c>Tell</c> would carry it.</summary>
internal sealed class ContextChannelWriter<T>(ChannelWriter<(T Item, ContextSnapshot? Context)> inner) : ChannelWriter<T>
{
    public override bool TryWrite(T item) => inner.TryWrite((item, StreamCapture.Current()));

    public override ValueTask WriteAsync(T item, CancellationToken cancellationToken = default) =>
        inner.WriteAsync((item, StreamCapture.Current()), cancellationToken);

    public override ValueTask<bool> WaitToWriteAsync(CancellationToken cancellationToken = default) => inner.WaitToWriteAsync(cancellationToken);

    public override bool TryComplete(Exception? error = null) => inner.TryComplete(error);
}
