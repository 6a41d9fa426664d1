using ActorContext.Akka.Internal;
using Akka.Actor;
using Akka.Streams.Implementation.Fusing;

namespace ActorContext.Streams.Internal;

/// <summary>Found by name by ActorContext.Akka (see <see cref="ReceiveHook"/>): the hooks for stream interpreters and actor publishers.</summary>
internal static class StreamHooks
{
    internal static ReceiveHook? Create(ActorBase actor, ContextSnapshot? materialization) => actor switch
    {
        ActorGraphInterpreter interpreter => new InterpreterHook(interpreter, materialization),
        _ => PublisherHook.Create(actor, materialization),
    };
}
