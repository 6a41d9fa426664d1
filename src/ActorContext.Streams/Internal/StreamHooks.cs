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

    /// <summary>Called when an interpreter actor is created, before materialization returns (see <see cref="PreStartOffers"/>).</summary>
    internal static void Prepare(object?[]? arguments)
    {
        if (arguments is [GraphInterpreterShell shell, ..])
        {
            PreStartOffers.Capture(shell);
        }
    }
}
