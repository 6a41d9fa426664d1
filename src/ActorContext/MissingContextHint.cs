using System.Reflection;

namespace ActorContext;

/// <summary>
/// Says why a var read found no value when the reason is not the caller's code: the Akka integration knows whether the
/// read runs inside an actor of a system created without propagation, where no message carries a context.
/// </summary>
/// <remarks>
/// Asked only when a read fails, so it costs nothing otherwise; the Akka integration is found by name because this
/// assembly does not depend on it (and when it is not there, there is nothing to add).
/// </remarks>
internal static class MissingContextHint
{
    private const string ProviderType = "ActorContext.Akka.Internal.PropagationDiagnostics, ActorContext.Akka";

    private static Func<string?>? s_describe;
    private static volatile bool s_probed;

    /// <summary>A sentence saying why nothing is current here, or null when there is nothing to add.</summary>
    internal static string? Describe()
    {
        if (!s_probed)
        {
            s_describe = Type.GetType(ProviderType, throwOnError: false)
                ?.GetMethod("Describe", BindingFlags.NonPublic | BindingFlags.Static, Type.EmptyTypes)
                ?.CreateDelegate<Func<string?>>();
            s_probed = true;
        }

        return s_describe?.Invoke();
    }
}
