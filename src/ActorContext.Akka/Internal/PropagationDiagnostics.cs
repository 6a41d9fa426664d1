using Akka.Actor;
using Akka.Actor.Internal;

namespace ActorContext.Akka.Internal;

/// <summary>Explains a missing value read inside an actor whose system has no propagation (see MissingContextHint).</summary>
internal static class PropagationDiagnostics
{
    /// <summary>Asked by the core library (through <see cref="PropagationHintAttribute"/>) when a var read finds no value.</summary>
    internal static string? Describe()
    {
        var cell = InternalCurrentActorCellKeeper.Current;
        if (cell is null || cell.System.IsMessageContextEnabled())
        {
            return null;
        }

        return $"This code runs in actor {cell.Self.Path} of actor system [{cell.System.Name}], which was created without context " +
            "propagation, so no message brings a context into it, whatever the sender set. Turn propagation on where the system " +
            "is created: ActorSystem.Create(name, config.WithMessageContext()), or .WithMessageContext() on the Akka.Hosting builder.";
    }
}
