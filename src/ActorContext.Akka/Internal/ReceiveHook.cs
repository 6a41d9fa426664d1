using ActorContext.Akka.Infrastructure;
using ActorContext.Infrastructure;
using Akka.Actor;

namespace ActorContext.Akka.Internal;

/// <summary>
/// Takes over how the messages of Akka.Streams' own actors meet their contexts, where one message is not one unit of
/// work.
/// </summary>
/// <remarks>
/// <para>
/// A stream's interpreter actor runs the stages of many elements in one mailbox run: a message (an offer, an element
/// from an async boundary, a pull, a resume) wakes it, and it then processes whatever is ready, elements of other
/// requests included. Running all that under the waking message's context attributes elements to the wrong request.
/// An actor publisher (<c>Source.ActorRef</c>'s) likewise hands buffered elements on while handling a demand message
/// that came from the interpreter.
/// </para>
/// <para>
/// Without the ActorContext.Streams package, these actors run under the context they were created with — the one the
/// stream was materialized in — except that a publisher handles the elements told to it under their own context:
/// no element ever runs under another element's context. ActorContext.Streams (declared by its
/// <see cref="StreamsSupportAttribute"/>, so this package does not depend on Akka.Streams) replaces these hooks with ones
/// that carry each element's context.
/// </para>
/// </remarks>
internal abstract class ReceiveHook
{
    private const string StreamsNamespace = "Akka.Streams";
    private const string InterpreterType = "Akka.Streams.Implementation.Fusing.ActorGraphInterpreter";
    /// <summary>Receives <paramref name="message"/>, which arrived with <paramref name="context"/>, on <paramref name="cell"/>.</summary>
    internal abstract void Receive(ContextActorCell cell, object message, ContextSnapshot? context);

    /// <summary>The hook for <paramref name="actor"/>, created under <paramref name="creationContext"/>; null for any actor but a stream's interpreter or an actor publisher.</summary>
    internal static ReceiveHook? For(ActorBase actor, ContextSnapshot? creationContext)
    {
        var type = actor.GetType();
        var ns = type.Namespace ?? string.Empty;
        if (!(ns == StreamsNamespace || ns.StartsWith(StreamsNamespace + ".", StringComparison.Ordinal)))
        {
            return null;
        }

        var interpreter = type.FullName == InterpreterType;
        if (!interpreter && !IsPublisher(type))
        {
            // Other stream actors (the supervisor that materializes, for one) handle each message for its own sender.
            return null;
        }

        return OptionalPackages.StreamsSupport?.CreateHook(actor, creationContext) is { } streams
            ? new StreamsHook(streams)
            : new CreationContextHook(creationContext, everyMessage: interpreter);
    }

    /// <summary>Whether <paramref name="message"/> is one of Akka.Streams' own (demand, cancellation, subscription) rather than an element.</summary>
    internal static bool IsStreamsProtocol(object message)
    {
        var ns = message.GetType().Namespace ?? string.Empty;
        return ns == StreamsNamespace || ns.StartsWith(StreamsNamespace + ".", StringComparison.Ordinal);
    }

    /// <summary>Whether <paramref name="type"/> is an actor publisher (it hands buffered elements on when demand arrives).</summary>
    private static bool IsPublisher(Type type)
    {
        for (var t = type; t is not null; t = t.BaseType)
        {
            if (t.IsGenericType && t.GetGenericTypeDefinition().FullName == "Akka.Streams.Actors.ActorPublisher`1")
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Called when an actor's ref or cell is made (on the creating thread, before its constructor runs): for a stream's
    /// interpreter, lets ActorContext.Streams see the stream before materialization returns and anything is offered.
    /// </summary>
    internal static void Prepare(Props props)
    {
        if (props.Type?.FullName == InterpreterType && OptionalPackages.StreamsSupport is { } streams)
        {
            streams.Prepare(props.Arguments);
        }
    }

    /// <summary>A hook ActorContext.Streams made (see <see cref="StreamsSupportAttribute"/>).</summary>
    private sealed class StreamsHook(StreamReceiveHook hook) : ReceiveHook
    {
        internal override void Receive(ContextActorCell cell, object message, ContextSnapshot? context) => hook.Receive(cell, message, context);
    }

    /// <summary>
    /// Runs the actor's messages under its creation context: all of them (the interpreter), or those of Akka.Streams'
    /// own protocol (demand, cancellation, subscription), so elements told to a publisher keep their own.
    /// </summary>
    private sealed class CreationContextHook(ContextSnapshot? creationContext, bool everyMessage) : ReceiveHook
    {
        internal override void Receive(ContextActorCell cell, object message, ContextSnapshot? context)
        {
            var own = everyMessage || IsStreamsProtocol(message) ? creationContext : context;
            ContextSnapshots.Restore(own);
            cell.ReceiveUnhooked(message);
        }
    }
}
