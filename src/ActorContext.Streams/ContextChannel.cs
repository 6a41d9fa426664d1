using System.Threading.Channels;
using ActorContext.Streams.Internal;

namespace ActorContext.Streams;

/// <summary>
/// Creates channels whose items keep the context of the code that wrote them when a stream reads them with
/// <c>ChannelSource.FromReader(channel.Reader)</c>.
/// </summary>
/// <remarks>
/// <para>
/// A <see cref="Channel{T}"/> hands items over without the writer's context, and a stream reads them on its own actor,
/// so a stream fed by a plain channel (<c>Source.Channel</c>, or <c>ChannelSource.FromReader</c> over a channel made
/// with <see cref="Channel"/>) runs them under the context it was materialized in. A channel made here remembers, next
/// to each item, the context current where <c>TryWrite</c> or <c>WriteAsync</c> was called (no allocation per item
/// beyond the channel's own); a stream of an ActorContext-enabled system that reads it runs each element under that
/// context, as it does for <c>Source.Queue</c> offers. An item written with no context runs under none.
/// </para>
/// <para>
/// Read by anything other than such a stream (<c>ReadAsync</c>, <c>ReadAllAsync</c> in your own code), the channel
/// behaves as the channel it wraps and the reader's own context stays current: an await cannot take on another flow's
/// context.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// var channel = ContextChannel.CreateBounded&lt;Order&gt;(new BoundedChannelOptions(100) { SingleReader = true });
/// ChannelSource.FromReader(channel.Reader)
///     .SelectAsync(4, order =&gt; pricing.Ask&lt;decimal&gt;(order))       // under the writer's context
///     .RunWith(Sink.Ignore&lt;decimal&gt;(), system.Materializer());
///
/// using (Ids.RequestId.Set("req-42"))
/// {
///     await channel.Writer.WriteAsync(new Order("book"));          // runs under req-42 in the stream
/// }
/// </code>
/// </example>
public static class ContextChannel
{
    /// <summary>Creates a bounded channel whose items keep their writer's context in a stream that reads it.</summary>
    /// <typeparam name="T">The type of the items.</typeparam>
    /// <param name="options">The options of the channel, as for <see cref="Channel.CreateBounded{T}(BoundedChannelOptions)"/>.</param>
    /// <returns>The channel: write to its <see cref="Channel{TWrite, TRead}.Writer"/>, give its <see cref="Channel{TWrite, TRead}.Reader"/> to <c>ChannelSource.FromReader</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    public static Channel<T> CreateBounded<T>(BoundedChannelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new ContextCarryingChannel<T>(Channel.CreateBounded<(T, ContextSnapshot?)>(options));
    }

    /// <summary>Creates an unbounded channel whose items keep their writer's context in a stream that reads it.</summary>
    /// <typeparam name="T">The type of the items.</typeparam>
    /// <param name="options">The options of the channel, as for <see cref="Channel.CreateUnbounded{T}(UnboundedChannelOptions)"/>.</param>
    /// <returns>The channel: write to its <see cref="Channel{TWrite, TRead}.Writer"/>, give its <see cref="Channel{TWrite, TRead}.Reader"/> to <c>ChannelSource.FromReader</c>.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="options"/> is null.</exception>
    public static Channel<T> CreateUnbounded<T>(UnboundedChannelOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new ContextCarryingChannel<T>(Channel.CreateUnbounded<(T, ContextSnapshot?)>(options));
    }
}
