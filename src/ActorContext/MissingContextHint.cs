using System.Reflection;
using ActorContext.Infrastructure;

namespace ActorContext;

/// <summary>
/// Says why a var read found no value when the reason is not the caller's code: the Akka integration knows whether the
/// read runs inside an actor of a system created without propagation, where no message carries a context.
/// </summary>
/// <remarks>
/// Asked only when a read fails, so it costs nothing otherwise. This assembly does not depend on the Akka integration,
/// so it knows only its package name; what to say comes from the <see cref="MissingContextHintAttribute"/> declared
/// there (and when the package is not referenced, there is nothing to add).
/// </remarks>
internal static class MissingContextHint
{
    private const string EnginePackage = "ActorContext.Akka";

    private static MissingContextHintAttribute? s_hint;
    private static volatile bool s_probed;

    /// <summary>A sentence saying why nothing is current here, or null when there is nothing to add.</summary>
    internal static string? Describe()
    {
        if (!s_probed)
        {
            s_hint = Find();
            s_probed = true;
        }

        return s_hint?.Describe();
    }

    private static MissingContextHintAttribute? Find()
    {
        try
        {
            return Assembly.Load(new AssemblyName(EnginePackage)).GetCustomAttribute<MissingContextHintAttribute>();
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }
}
