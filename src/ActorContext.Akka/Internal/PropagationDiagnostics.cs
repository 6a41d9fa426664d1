using Akka.Actor;
using Akka.Actor.Internal;

namespace ActorContext.Akka.Internal;

/// <summary>Explains a missing value read inside an actor whose system has no propagation (see MissingContextHint).</summary>
internal static class PropagationDiagnostics
{
    /// <summary>Called by the core library, by name, when a var read finds no value.</summary>
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

    /// <summary>The same explanation for <paramref name="system"/>, or null when it propagates contexts.</summary>
    internal static string? DescribeSystem(ActorSystem system) =>
        system.IsMessageContextEnabled()
            ? null
            : $"Actor system [{system.Name}] was created without context propagation, so no message carries a context in it. " +
              "Create it from config.WithMessageContext() (a TestKit: base(ConfigurationFactory.Empty.WithMessageContext())), " +
              "or call .WithMessageContext() on the Akka.Hosting builder (Akka.Hosting.TestKit: in ConfigureAkka).";
}
