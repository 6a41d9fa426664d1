using ActorContext.Akka.Infrastructure;
using ActorContext.Streams.Internal;
using Akka.Actor;
using Akka.Streams.Implementation.Fusing;

[assembly: StreamHooks]

namespace ActorContext.Streams.Internal;

/// <summary>What this package adds to the engine, declared on its assembly: the hooks for stream interpreters and actor publishers.</summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = false)]
internal sealed class StreamHooks : StreamsSupportAttribute
{
    public override StreamReceiveHook? CreateHook(ActorBase actor, ContextSnapshot? creationContext) => actor switch
    {
        ActorGraphInterpreter interpreter => new InterpreterHook(interpreter, creationContext),
        _ => PublisherHook.Create(actor, creationContext),
    };

    /// <summary>Called when an interpreter actor is created, before materialization returns (see <see cref="PreStartOffers"/>).</summary>
    public override void Prepare(object?[]? arguments)
    {
        if (arguments is [GraphInterpreterShell shell, ..])
        {
            PreStartOffers.Capture(shell);
        }
    }
}
