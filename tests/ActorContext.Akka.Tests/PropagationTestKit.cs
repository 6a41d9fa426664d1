using ActorContext.Akka.Internal;
using Xunit.Abstractions;

namespace ActorContext.Akka.Tests;

/// <summary>The shared <see cref="ContextTestKit"/>, plus what only the engine's own tests may read: an envelope's context.</summary>
public abstract class PropagationTestKit(ITestOutputHelper output, string hocon = "", MessageContextOptions? options = null)
    : ContextTestKit(output, hocon, options)
{
    /// <summary>The request ID an envelope carries, or "none".</summary>
    private protected static string IdCarriedBy(ContextEnvelope envelope)
    {
        var id = "unset";
        ScheduledContext.RunIn(envelope.Context, () => id = SeenId());
        return id;
    }
}
