using System.Reflection;
using ActorContext.Akka.Infrastructure;

namespace ActorContext.Akka.Internal;

/// <summary>
/// The ActorContext packages the engine uses when the application references them, and what each declares about itself.
/// </summary>
/// <remarks>
/// The engine does not depend on them (they depend on it), so it knows only their names: a referenced package's assembly
/// is loaded by name when first needed, and its types come from the attribute it declares on itself.
/// </remarks>
internal static class OptionalPackages
{
    internal const string Remote = "ActorContext.Remote";
    internal const string TestKit = "ActorContext.TestKit";
    internal const string Streams = "ActorContext.Streams";

    private static readonly Lazy<RemoteSupportAttribute?> s_remote = new(() => Find<RemoteSupportAttribute>(Remote));
    private static readonly Lazy<TestSchedulerSupportAttribute?> s_testKit = new(() => Find<TestSchedulerSupportAttribute>(TestKit));
    private static readonly Lazy<StreamsSupportAttribute?> s_streams = new(() => Find<StreamsSupportAttribute>(Streams));

    /// <summary>What ActorContext.Remote adds, or null when the application does not reference it.</summary>
    internal static RemoteSupportAttribute? RemoteSupport => s_remote.Value;

    /// <summary>What ActorContext.TestKit adds, or null when the application does not reference it.</summary>
    internal static TestSchedulerSupportAttribute? TestKitSupport => s_testKit.Value;

    /// <summary>What ActorContext.Streams adds, or null when the application does not reference it.</summary>
    internal static StreamsSupportAttribute? StreamsSupport => s_streams.Value;

    private static T? Find<T>(string name)
        where T : Attribute
    {
        Assembly assembly;
        try
        {
            assembly = Assembly.Load(new AssemblyName(name));
        }
        catch (FileNotFoundException)
        {
            return null;
        }

        return assembly.GetCustomAttribute<T>()
            ?? throw new InvalidOperationException(
                $"The {name} assembly loaded from {assembly.Location} declares no {typeof(T).Name}: it is not the {name} package of this " +
                "ActorContext version. Reference the same version of every ActorContext package.");
    }
}
