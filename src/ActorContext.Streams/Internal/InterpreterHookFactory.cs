using ActorContext.Akka.Internal;
using Akka.Actor;
using Akka.Streams.Implementation.Fusing;

namespace ActorContext.Streams.Internal;

/// <summary>Found by name by ActorContext.Akka (see <see cref="ReceiveHook"/>): the hook for each stream interpreter actor.</summary>
internal static class InterpreterHookFactory
{
    internal static ReceiveHook Create(ActorBase actor, ContextSnapshot? materialization) =>
        new InterpreterHook((ActorGraphInterpreter)actor, materialization);
}
