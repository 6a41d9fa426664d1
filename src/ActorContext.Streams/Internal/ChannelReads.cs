using System.Reflection;
using Akka.Streams.Stage;

namespace ActorContext.Streams.Internal;

/// <summary>
/// A stream that reads a channel made by <see cref="ContextChannel"/> (<c>ChannelSource.FromReader</c>): its stage gets
/// a reader of its own that tells the context of each item it pushes.
/// </summary>
internal static class ChannelReads
{
    /// <summary>The reader <see cref="ContextChannel"/> hands out.</summary>
    internal interface IContextReader
    {
        /// <summary>A new reader of the same channel for one stage.</summary>
        ITrackedReader Track();
    }

    /// <summary>A stage's own reader (see <see cref="TrackedChannelReader{T}"/>).</summary>
    internal interface ITrackedReader
    {
        /// <summary>The context <paramref name="pushed"/> was written under, if it is the item read last; else <paramref name="materialization"/>.</summary>
        ContextSnapshot? ContextOf(object pushed, ContextSnapshot? materialization);
    }

    /// <summary>
    /// For the logic of a channel source: swaps in a reader of its own when it reads a channel made by
    /// <see cref="ContextChannel"/>, and returns how to find the context of what it pushes; null for any other channel.
    /// </summary>
    internal static Func<object, ContextSnapshot?, ContextSnapshot?>? Track(GraphStageLogic logic)
    {
        var field = logic.GetType().GetField("_reader", BindingFlags.Instance | BindingFlags.NonPublic);
        switch (field?.GetValue(logic))
        {
            case ITrackedReader tracked:
                return tracked.ContextOf;
            case IContextReader reader:
                var own = reader.Track();
                if (!field.FieldType.IsInstanceOfType(own))
                {
                    return null;
                }

                field.SetValue(logic, own);
                return own.ContextOf;
            default:
                return null;
        }
    }
}
