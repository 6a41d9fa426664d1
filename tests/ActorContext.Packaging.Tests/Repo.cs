namespace ActorContext.Packaging.Tests;

/// <summary>Where the repository is, found from the test assembly's location.</summary>
internal static class Repo
{
    /// <summary>The library projects that become packages, in dependency order.</summary>
    public static readonly string[] LibraryProjects =
    [
        "ActorContext",
        "ActorContext.Akka",
        "ActorContext.Hosting",
        "ActorContext.TestKit",
        "ActorContext.Remote",
        "ActorContext.OpenTelemetry",
        "ActorContext.Serilog",
        "ActorContext.AspNetCore",
        "ActorContext.Streams",
    ];

    private static readonly Lazy<string> s_root = new(() =>
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "ActorContext.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No ActorContext.sln above {AppContext.BaseDirectory}.");
    });

    /// <summary>The repository's root folder (the one holding ActorContext.sln).</summary>
    public static string Root => s_root.Value;

    /// <summary>A path under the repository root.</summary>
    public static string PathOf(params string[] parts) => Path.Combine([Root, .. parts]);
}
