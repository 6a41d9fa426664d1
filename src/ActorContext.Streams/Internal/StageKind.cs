namespace ActorContext.Streams.Internal;

/// <summary>How a stage's output elements relate to the elements that reached it, for choosing their context.</summary>
internal enum StageKind : byte
{
    /// <summary>Unknown: its output runs under the materialization context.</summary>
    Opaque,

    /// <summary>Pushes only while handling one element, something made from that element (Select, Where …): the context that handler ran under.</summary>
    PassThrough,

    /// <summary>Pushes the elements it received, in order, perhaps later (Buffer, Throttle, Source.Queue …): the context each arrived with, found by the element itself.</summary>
    Queue,

    /// <summary>Pushes one result per element, in arrival order (SelectAsync): the context of the element at the head.</summary>
    Ordered,

    /// <summary>Pushes one element made of several (Grouped): their common context, or the materialization context when they differ.</summary>
    Group,

    /// <summary>
    /// Pushes one element made of the elements that reached it since its last push, and may keep the newest one for the
    /// next (Batch, Conflate): their common context, or the materialization context when they differ.
    /// </summary>
    Batch,

    /// <summary>
    /// Pushes lists of the elements it received, in arrival order, each list the next run of them (GroupedWithin): the
    /// list's common context, or the materialization context when they differ; checked element by element.
    /// </summary>
    Runs,

    /// <summary>Pushes what it read from a channel made by <see cref="ContextChannel"/>: the context each item was written under.</summary>
    Reads,

    /// <summary>
    /// A sink that keeps elements and tells them to an actor in arrival order, one per acknowledgement
    /// (Sink.ActorRefWithAck): the acknowledgement's handler runs under the context of the element it sends.
    /// </summary>
    AckSender,
}
