using ActorContext.Akka.Internal;
using ActorContext.Infrastructure;

[assembly: PropagationHintAttribute]

namespace ActorContext.Akka.Internal;

/// <summary>What core adds to a failed var read inside an actor (see <see cref="PropagationDiagnostics"/>).</summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = false)]
internal sealed class PropagationHintAttribute : MissingContextHintAttribute
{
    public override string? Describe() => PropagationDiagnostics.Describe();
}
