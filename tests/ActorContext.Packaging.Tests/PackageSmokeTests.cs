using System.Diagnostics;
using System.IO.Compression;
using System.Xml.Linq;
using Xunit.Abstractions;

namespace ActorContext.Packaging.Tests;

/// <summary>
/// The packages that <c>dotnet pack</c> makes work in a project that is not part of this repository.
/// </summary>
/// <remarks>
/// <para>
/// Steps: copy the repository's build files and <c>src/</c> into a temporary folder (so packing neither touches
/// this work tree's <c>bin/obj</c> nor races a build running in it), pack the libraries there with a unique
/// pre-release version (<c>&lt;VersionPrefix&gt;-test&lt;timestamp&gt;</c>, so no NuGet cache can hand back an older build), check
/// each package's metadata, then write a throwaway console project by hand in another temporary folder — with a
/// <c>nuget.config</c> naming the local feed and nuget.org — that references <c>ActorContext.Akka</c> at that
/// version, and <c>dotnet run</c> it: a two-actor chain must show the edge's request ID at the second hop. The same app
/// references <c>ActorContext.Serilog</c>: Serilog events logged at the edge and inside an actor carry the request ID.
/// Then a web application (<see cref="WebAppProject"/>), and the root README's first C# block as a new console app
/// (<see cref="ReadmeQuickStartApp"/>), which must print the line its comment promises.
/// </para>
/// <para>
/// The global packages folder is kept (Akka restores from it); the unique version's folders are deleted from it at
/// the end, with the temporary folders. Slow (about a minute), so this is the only test of its kind.
/// </para>
/// </remarks>
public sealed class PackageSmokeTests(ITestOutputHelper output)
{
    private const string RequestId = "req-pack-1";
    private static readonly TimeSpan s_budget = TimeSpan.FromMinutes(5);

    [Fact]
    public async Task Packed_libraries_restore_and_propagate_context_in_a_project_outside_the_repository()
    {
        using var deadline = new CancellationTokenSource(s_budget);
        var ct = deadline.Token;
        var total = Stopwatch.StartNew();

        var suffix = $"test{DateTime.UtcNow:yyyyMMddHHmmssfff}";
        var version = $"{VersionPrefix()}-{suffix}";
        var work = Directory.CreateDirectory(Path.Combine(Path.GetTempPath(), $"actorcontext-pack-{Guid.NewGuid():N}")).FullName;
        try
        {
            AssertNoBuildFilesAbove(work);
            var source = Path.Combine(work, "source");
            var feed = Path.Combine(work, "feed");
            var app = Path.Combine(work, "app");

            // 1. Pack the libraries from a copy of the repository.
            CopyRepository(source);
            foreach (var project in Repo.LibraryProjects)
            {
                var pack = await DotNetCli.RunAsync(source,
                    ["pack", Path.Combine(source, "src", project, $"{project}.csproj"), "-c", "Release", "-o", feed, $"-p:VersionSuffix={suffix}"],
                    ct);
                Log(pack);
            }

            // 2. Every library has a package and a symbols package with the metadata nuget.org shows, and depends on the
            //    other ActorContext packages at exactly this version.
            foreach (var project in Repo.LibraryProjects)
            {
                AssertPackage(feed, project, version);
            }

            // 3. A console project outside the repository, using the packages from the local feed.
            WriteConsoleApp(app, feed, version);
            var run = await DotNetCli.RunAsync(app, ["run", "-c", "Release"], ct);
            Log(run);

            Assert.Contains($"hop1 saw {RequestId}", run.Output);
            Assert.Contains($"hop2 saw {RequestId}", run.Output);
            Assert.Contains($"after the chain the edge has none", run.Output);
            // The assembly that ran is the one packed above, not something else called ActorContext.Akka.
            Assert.Contains($"ActorContext.Akka {version}", run.Output);
            Assert.Contains("serilog: edge logged request-id=req-serilog-edge", run.Output);
            Assert.Contains($"serilog: hop1 logged request-id={RequestId}", run.Output);
            Assert.Contains($"ActorContext.Serilog {version}", run.Output);

            // 4. A web application outside the repository, using ActorContext.AspNetCore from the local feed.
            var web = Path.Combine(work, "web");
            WebAppProject.Write(web, version, nugetConfig: Path.Combine(app, "nuget.config"));
            var webRun = await DotNetCli.RunAsync(web, ["run", "-c", "Release"], ct);
            Log(webRun);
            WebAppProject.AssertRan(webRun.Output, version);

            // 5. The README's first block, pasted into a new console app, prints what its comment says and exits.
            var quickStart = Path.Combine(work, "quick-start");
            var promised = ReadmeQuickStartApp.Write(quickStart, version, nugetConfig: Path.Combine(app, "nuget.config"));
            var quickStartRun = await DotNetCli.RunAsync(quickStart, ["run", "-c", "Release"], ct);
            Log(quickStartRun);
            Assert.Contains(promised, quickStartRun.Output.Split('\n').Select(l => l.TrimEnd('\r')));
            output.WriteLine($"total {total.Elapsed.TotalSeconds:F1}s");
        }
        finally
        {
            TryDelete(work);
            // Only this run's unique version (and the package's folder if nothing else is left in it).
            foreach (var project in Repo.LibraryProjects)
            {
                var packageFolder = Path.Combine(GlobalPackagesFolder(), project.ToLowerInvariant());
                TryDelete(Path.Combine(packageFolder, version));
                if (Directory.Exists(packageFolder) && !Directory.EnumerateFileSystemEntries(packageFolder).Any())
                {
                    TryDelete(packageFolder);
                }
            }
        }
    }

    private void Log(CommandResult result)
    {
        output.WriteLine($"$ {result.CommandLine}  ({result.Elapsed.TotalSeconds:F1}s)");
        output.WriteLine(result.Output);
    }

    /// <summary>Copies the files <c>dotnet pack</c> reads: root build files and <c>src/</c>, without bin/obj.</summary>
    private static void CopyRepository(string destination)
    {
        Directory.CreateDirectory(destination);
        foreach (var file in Directory.EnumerateFiles(Repo.Root))
        {
            var name = Path.GetFileName(file);
            if (name.StartsWith("Directory.", StringComparison.Ordinal) || name is "global.json" or "nuget.config" or "NuGet.Config" or ".editorconfig" or "LICENSE")
            {
                File.Copy(file, Path.Combine(destination, name));
            }
        }

        CopyTree(Repo.PathOf("src"), Path.Combine(destination, "src"));

        static void CopyTree(string from, string to)
        {
            Directory.CreateDirectory(to);
            foreach (var file in Directory.EnumerateFiles(from))
            {
                File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
            }

            foreach (var dir in Directory.EnumerateDirectories(from))
            {
                var name = Path.GetFileName(dir);
                if (name is not ("bin" or "obj"))
                {
                    CopyTree(dir, Path.Combine(to, name));
                }
            }
        }
    }

    private static void AssertPackage(string feed, string id, string version)
    {
        var nupkg = Path.Combine(feed, $"{id}.{version}.nupkg");
        Assert.True(File.Exists(nupkg), $"missing {nupkg}");
        Assert.True(File.Exists(Path.Combine(feed, $"{id}.{version}.snupkg")), $"missing the symbols package of {id}");

        using var zip = ZipFile.OpenRead(nupkg);
        var entries = zip.Entries.Select(e => e.FullName).ToHashSet();
        Assert.Contains($"lib/net10.0/{id}.dll", entries);
        Assert.Contains($"lib/net10.0/{id}.xml", entries);
        Assert.Contains("README.md", entries);

        using var nuspecStream = zip.GetEntry($"{id}.nuspec")!.Open();
        var metadata = XDocument.Load(nuspecStream).Root!.Elements().Single(e => e.Name.LocalName == "metadata");
        string? Value(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name)?.Value;
        XElement? Element(string name) => metadata.Elements().SingleOrDefault(e => e.Name.LocalName == name);

        Assert.Equal(version, Value("version"));
        Assert.False(string.IsNullOrWhiteSpace(Value("description")), $"{id}: no description");
        Assert.False(string.IsNullOrWhiteSpace(Value("tags")), $"{id}: no tags");
        Assert.Equal("Apache-2.0", Value("license"));
        Assert.Equal("expression", Element("license")?.Attribute("type")?.Value);
        Assert.Equal("README.md", Value("readme"));
        // SourceLink takes the repository URL from the clone's 'origin' remote; this copy has no git, so none is named
        // (a placeholder address was once written here and pointed at nothing).
        Assert.Null(Element("repository")?.Attribute("url"));
        Assert.Null(Element("projectUrl"));
        AssertExactActorContextDependencies(metadata, id, version);
    }

    /// <summary>
    /// ActorContext packages meet through seams that change between versions, so each depends on the others at exactly
    /// its own version (<c>[x.y.z]</c>); NuGet alone would write <c>&gt;= x.y.z</c> (see Directory.Build.targets).
    /// </summary>
    private static void AssertExactActorContextDependencies(XElement metadata, string id, string version)
    {
        var ours = metadata.Descendants()
            .Where(e => e.Name.LocalName == "dependency" && e.Attribute("id")!.Value.StartsWith("ActorContext", StringComparison.Ordinal))
            .ToList();
        foreach (var dependency in ours)
        {
            Assert.True(dependency.Attribute("version")?.Value == $"[{version}]",
                $"{id} depends on {dependency.Attribute("id")!.Value} at [{dependency.Attribute("version")?.Value}], not at exactly [{version}]");
        }

        // Every package but the core one references another: an empty list would mean the check above saw nothing.
        Assert.True(id == "ActorContext" || ours.Count > 0, $"{id} lists no ActorContext dependency");
    }

    private static void WriteConsoleApp(string app, string feed, string version)
    {
        Directory.CreateDirectory(app);
        File.WriteAllText(Path.Combine(app, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{feed}" />
                <add key="nuget.org" value="https://api.nuget.org/v3/index.json" protocolVersion="3" />
              </packageSources>
            </configuration>
            """);
        File.WriteAllText(Path.Combine(app, "PackSmoke.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="ActorContext.Akka" Version="{version}" />
                <PackageReference Include="ActorContext.Serilog" Version="{version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(app, "Program.cs"), """
            using System.Reflection;
            using ActorContext;
            using ActorContext.Akka;
            using Akka.Actor;
            using Akka.Configuration;

            var informational = typeof(MessageContextSetup).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
            Console.WriteLine($"ActorContext.Akka {informational.Split('+')[0]}");
            SerilogSmoke.Start();

            var system = ActorSystem.Create("pack-smoke", ConfigurationFactory.Empty.WithMessageContext());
            var done = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            var hop2 = system.ActorOf(Props.Create(() => new Hop2(done)), "hop2");
            var hop1 = system.ActorOf(Props.Create(() => new Hop1(hop2)), "hop1");

            using (Ids.RequestId.Set("req-pack-1"))
            {
                hop1.Tell("order");
            }

            Console.WriteLine($"hop2 saw {await done.Task.WaitAsync(TimeSpan.FromSeconds(30))}");
            Console.WriteLine($"after the chain the edge has {Ids.RequestId.Get("none")}");
            await system.Terminate();
            Serilog.Log.CloseAndFlush();

            static class Ids
            {
                public static readonly ContextVar<string> RequestId = new("request-id");
            }

            sealed class Hop1 : ReceiveActor
            {
                public Hop1(IActorRef next) => Receive<string>(m =>
                {
                    Console.WriteLine($"hop1 saw {Ids.RequestId.Get("none")}");
                    Serilog.Log.Information("hop1 logged");
                    next.Tell(m);
                });
            }

            sealed class Hop2 : ReceiveActor
            {
                public Hop2(TaskCompletionSource<string> done) => Receive<string>(_ => done.TrySetResult(Ids.RequestId.Get("none")));
            }
            """);
        // Serilog used directly, at the edge and inside an actor: the enricher from the ActorContext.Serilog package.
        File.WriteAllText(Path.Combine(app, "SerilogSmoke.cs"), """
            using System.Reflection;
            using Serilog;
            using Serilog.Core;
            using Serilog.Events;

            static class SerilogSmoke
            {
                public static void Start()
                {
                    var informational = typeof(MessageContextLoggerConfigurationExtensions).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
                    Console.WriteLine($"ActorContext.Serilog {informational.Split('+')[0]}");
                    Log.Logger = new LoggerConfiguration().Enrich.FromMessageContext().WriteTo.Sink(new LineSink()).CreateLogger();
                    using (Ids.RequestId.Set("req-serilog-edge"))
                    {
                        Log.Information("edge logged");
                    }
                }

                private sealed class LineSink : ILogEventSink
                {
                    public void Emit(LogEvent logEvent) => Console.WriteLine(
                        $"serilog: {logEvent.RenderMessage()} request-id={(logEvent.Properties.TryGetValue("request-id", out var id) ? ((ScalarValue)id).Value : "none")}");
                }
            }
            """);
    }

    /// <summary>The temporary folder must be outside any folder whose build files would apply to the test project.</summary>
    private static void AssertNoBuildFilesAbove(string folder)
    {
        for (var dir = new DirectoryInfo(folder); dir is not null; dir = dir.Parent)
        {
            foreach (var name in new[] { "Directory.Build.props", "Directory.Build.targets", "Directory.Packages.props" })
            {
                Assert.False(File.Exists(Path.Combine(dir.FullName, name)),
                    $"{Path.Combine(dir.FullName, name)} would apply to the throwaway projects; use a temporary folder outside it (TMPDIR).");
            }
        }
    }

    /// <summary>The version set in Directory.Build.props.</summary>
    private static string VersionPrefix() =>
        XDocument.Load(Repo.PathOf("Directory.Build.props")).Descendants("VersionPrefix").Single().Value;

    private static string GlobalPackagesFolder() =>
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } folder
            ? folder
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");

    private static void TryDelete(string path)
    {
        try
        {
            if (Directory.Exists(path))
            {
                Directory.Delete(path, recursive: true);
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
