using System.Text;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Xunit.Abstractions;

namespace ActorContext.Packaging.Tests;

/// <summary>
/// Every <c>```csharp</c> block in the READMEs compiles against the libraries and their dependencies.
/// </summary>
/// <remarks>
/// <para>Each block is compiled on its own, unchanged (so error positions map straight back to README lines), by
/// these rules:</para>
/// <list type="number">
/// <item>A block with top-level statements compiles as a program; a block of declarations only (a test class, say)
/// as a library.</item>
/// <item><b>Self-contained blocks</b> — those that use none of the ambient names below — must compile with only the
/// SDK's implicit usings of a new console project (<see cref="ImplicitUsings"/>): what a reader pastes into
/// <c>Program.cs</c> works as it is.</item>
/// <item><b>Fragments</b> — blocks that use an ambient name they do not declare — get a harness: the
/// <see cref="CommonUsings"/> (the libraries' namespaces, Akka, Akka.Hosting, Microsoft.Extensions.Hosting and
/// Logging, Akka.TestKit.Xunit2, Xunit) plus a declaration of each ambient name the block uses, from
/// <see cref="Ambient"/>: <c>builder</c> (a <c>HostApplicationBuilder</c>), <c>hocon</c> (a HOCON string),
/// <c>orders</c> (an <c>IActorRef</c>), <c>RequestId</c> (a <c>ContextVar&lt;string&gt;</c>), and the message types
/// <c>PlaceOrder(IActorRef ReplyTo)</c> and <c>OrderPlaced</c>. Values are static members brought in with
/// <c>using static</c>, so a fragment can be statements or a class.</item>
/// </list>
/// <para>A block right after the line <c>&lt;!-- verbatim copy of some/path.cs … --&gt;</c> is not compiled here: it must equal
/// that file of the repository, which its own project compiles and runs (the Akka.Hosting.TestKit example needs xunit
/// v3, which cannot be loaded next to this project's xunit 2).</para>
/// <para>Only errors fail a block; warnings are ignored. The failure message lists every failing block with its
/// README line and the compiler errors at README line numbers.</para>
/// </remarks>
public sealed class ReadmeSnippetTests(ITestOutputHelper output)
{
    /// <summary>The SDK's implicit usings for a console project.</summary>
    private static readonly string[] ImplicitUsings =
    [
        "System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Net.Http", "System.Threading",
        "System.Threading.Tasks",
    ];

    /// <summary>Usings added for fragments.</summary>
    private static readonly string[] CommonUsings =
    [
        "ActorContext", "ActorContext.Akka", "ActorContext.Hosting", "ActorContext.TestKit", "ActorContext.OpenTelemetry",
        "Akka.Actor", "Akka.Configuration", "Akka.Hosting", "Akka.TestKit.Xunit2",
        "Microsoft.Extensions.DependencyInjection", "Microsoft.Extensions.Hosting", "Microsoft.Extensions.Logging",
        "OpenTelemetry.Trace", "System.Diagnostics", "Xunit",
    ];

    /// <summary>Names a fragment may use without declaring them, and the harness's declaration of each.</summary>
    private static readonly IReadOnlyDictionary<string, Ambient> Ambients = new Dictionary<string, Ambient>
    {
        ["builder"] = new(Member: "public static readonly HostApplicationBuilder builder = Host.CreateApplicationBuilder();"),
        ["hocon"] = new(Member: "public const string hocon = \"akka.loglevel = INFO\";"),
        ["orders"] = new(Member: "public static readonly IActorRef orders = ActorRefs.Nobody;"),
        ["RequestId"] = new(Member: "public static readonly ContextVar<string> RequestId = new(\"request-id\");"),
        ["PlaceOrder"] = new(Type: "public sealed record PlaceOrder(IActorRef ReplyTo);"),
        ["OrderPlaced"] = new(Type: "public sealed record OrderPlaced;"),
    };

    private static readonly Lazy<IReadOnlyList<MetadataReference>> s_references = new(LoadReferences);

    [Fact]
    public void Every_csharp_block_in_the_root_README_compiles() => AssertBlocksCompile(["README.md"]);

    [Fact]
    public void Every_csharp_block_in_the_package_READMEs_compiles() =>
        AssertBlocksCompile(Repo.LibraryProjects.Select(p => Path.Combine("src", p, "README.md")).ToArray());

    /// <summary>The READMEs of samples and tests (today without C# blocks, so this keeps future ones honest).</summary>
    [Fact]
    public void Every_csharp_block_in_the_other_READMEs_compiles()
    {
        var readmes = Directory.EnumerateFiles(Repo.PathOf("samples"), "README.md", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(Repo.PathOf("tests"), "README.md", SearchOption.AllDirectories))
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Intersect(["bin", "obj"]).Any())
            .Select(f => Path.GetRelativePath(Repo.Root, f))
            .ToArray();
        Assert.Contains(Path.Combine("samples", "README.md"), readmes);

        AssertBlocksCompile(readmes, requireBlocks: false);
    }

    /// <summary>The harness itself: a broken block fails with README line numbers; a self-contained block gets no
    /// common usings; a fragment does.</summary>
    [Fact]
    public void The_harness_reports_blocks_that_do_not_compile()
    {
        const string markdown = """
            # Sample

            ```csharp
            var system = ActorSystem.Create("x");
            ```

            ```csharp
            builder.Services.AddAkka("x", akka => akka.WithMessageContext());
            ```

            ```csharp
            builder.Services.AddAkka("x", akka => akka.WithNoSuchThing());
            ```

            <!-- verbatim copy of tests/ActorContext.Packaging.Tests/ReadmeSnippetTests.cs -->
            ```csharp
            not the file
            ```
            """;

        var (count, failures) = Check("SAMPLE.md", markdown);

        Assert.Equal(4, count);
        Assert.Contains("SAMPLE.md line 3 (program)", failures);
        Assert.Contains("SAMPLE.md(4,14): CS0103", failures);
        Assert.DoesNotContain("SAMPLE.md line 7", failures);
        Assert.Contains("SAMPLE.md line 11 (program, ambient: builder)", failures);
        Assert.Contains("SAMPLE.md(12,44): CS1061", failures);
        Assert.Contains("SAMPLE.md line 16 (copy of tests/ActorContext.Packaging.Tests/ReadmeSnippetTests.cs)", failures);
    }

    private void AssertBlocksCompile(string[] readmes, bool requireBlocks = true)
    {
        var failures = new StringBuilder();
        var count = 0;
        foreach (var readme in readmes)
        {
            var (blocks, text) = Check(readme, File.ReadAllText(Repo.PathOf(readme)));
            Assert.True(blocks > 0 || !requireBlocks, $"{readme} has no ```csharp block: is the extractor broken?");
            count += blocks;
            failures.Append(text);
        }

        Assert.True(failures.Length == 0, $"README code blocks that do not compile ({count} checked):\n{failures}");
    }

    /// <summary>Compiles every C# block of one markdown file; returns how many and a report of the failing ones.</summary>
    private (int Count, string Failures) Check(string readme, string markdown)
    {
        var failures = new StringBuilder();
        var blocks = ExtractBlocks(markdown);
        foreach (var block in blocks)
        {
            var (kind, ambient, errors) = block.CopyOf is null ? Compile(readme, block) : CompareWithFile(block.CopyOf, block);
            var what = kind + (ambient.Count > 0 ? $", ambient: {string.Join(", ", ambient)}" : "");
            output.WriteLine($"{readme} line {block.Line} ({what}): {(errors.Count == 0 ? "ok" : $"{errors.Count} error(s)")}");
            if (errors.Count > 0)
            {
                failures.AppendLine($"{readme} line {block.Line} ({what}):");
                foreach (var error in errors)
                {
                    failures.AppendLine("    " + error);
                    output.WriteLine("    " + error);
                }
            }
        }

        return (blocks.Count, failures.ToString());
    }

    /// <summary>A fenced C# block: its text, the README line of its opening fence, and the repository file it copies
    /// (named in a comment on the line before the fence), if any.</summary>
    internal sealed record Block(int Line, string Code, string? CopyOf = null);

    /// <summary>A harness declaration: a static member (brought in by <c>using static</c>) or a top-level type.</summary>
    private sealed record Ambient(string? Member = null, string? Type = null);

    /// <summary>The fenced C# blocks of a markdown text, in order.</summary>
    internal static List<Block> ExtractBlocks(string markdown)
    {
        var lines = markdown.ReplaceLineEndings("\n").Split('\n');
        var blocks = new List<Block>();
        for (var i = 0; i < lines.Length; i++)
        {
            var fence = Regex.Match(lines[i], @"^(\s*)(```+)\s*(csharp|cs|c#)\s*$", RegexOptions.IgnoreCase);
            if (!fence.Success)
            {
                continue;
            }

            var indent = fence.Groups[1].Value.Length;
            var end = Array.FindIndex(lines, i + 1, l => l.Trim() == fence.Groups[2].Value);
            Assert.True(end > i, $"unclosed ``` block at line {i + 1}");
            var code = string.Join('\n', lines[(i + 1)..end].Select(l => l.Length >= indent && string.IsNullOrWhiteSpace(l[..indent]) ? l[indent..] : l));
            var copy = i > 0 ? Regex.Match(lines[i - 1], @"^\s*<!--\s*verbatim copy of\s+(\S+)") : Match.Empty;
            blocks.Add(new Block(i + 1, code, copy.Success ? copy.Groups[1].Value.TrimEnd(',') : null));
            i = end;
        }

        return blocks;
    }

    /// <summary>A block that copies a repository file: the file must exist and hold exactly the block's text.</summary>
    private static (string Kind, List<string> Ambient, List<string> Errors) CompareWithFile(string path, Block block)
    {
        var kind = $"copy of {path}";
        var file = Repo.PathOf(path.Split('/'));
        if (!File.Exists(file))
        {
            return (kind, [], [$"{path} does not exist"]);
        }

        var text = File.ReadAllText(file).ReplaceLineEndings("\n").TrimEnd('\n');
        if (text == block.Code.TrimEnd('\n'))
        {
            return (kind, [], []);
        }

        var fileLines = text.Split('\n');
        var blockLines = block.Code.TrimEnd('\n').Split('\n');
        var first = Enumerable.Range(0, Math.Max(fileLines.Length, blockLines.Length))
            .First(n => n >= fileLines.Length || n >= blockLines.Length || fileLines[n] != blockLines[n]);
        return (kind, [], [$"differs from {path} at its line {first + 1}: copy the file into the README again"]);
    }

    private static (string Kind, List<string> Ambient, List<string> Errors) Compile(string readme, Block block)
    {
        var parseOptions = new CSharpParseOptions(LanguageVersion.Latest);
        var tree = CSharpSyntaxTree.ParseText(block.Code, parseOptions, path: readme);
        var root = tree.GetCompilationUnitRoot();
        var isProgram = root.Members.OfType<GlobalStatementSyntax>().Any();

        // An identifier token under a name node is a use; anywhere else (variable, parameter, type, member, …) it
        // declares the name.
        var identifiers = root.DescendantTokens().Where(t => t.IsKind(SyntaxKind.IdentifierToken)).ToList();
        var used = identifiers.Where(t => t.Parent is SimpleNameSyntax).Select(t => t.ValueText).ToHashSet();
        var declared = identifiers.Where(t => t.Parent is not SimpleNameSyntax).Select(t => t.ValueText).ToHashSet();
        var ambient = Ambients.Keys.Where(n => used.Contains(n) && !declared.Contains(n)).ToList();

        var trees = new List<SyntaxTree> { tree };
        var usings = new StringBuilder();
        foreach (var ns in ambient.Count == 0 ? ImplicitUsings : ImplicitUsings.Concat(CommonUsings))
        {
            usings.AppendLine($"global using global::{ns};");
        }

        if (ambient.Count > 0)
        {
            usings.AppendLine("global using static ReadmeAmbient;");
            usings.AppendLine("public static class ReadmeAmbient");
            usings.AppendLine("{");
            foreach (var name in ambient.Where(n => Ambients[n].Member is not null))
            {
                usings.AppendLine("    " + Ambients[name].Member);
            }

            usings.AppendLine("}");
            foreach (var name in ambient.Where(n => Ambients[n].Type is not null))
            {
                usings.AppendLine(Ambients[name].Type);
            }
        }

        trees.Add(CSharpSyntaxTree.ParseText(usings.ToString(), parseOptions, path: "harness.cs"));

        var compilation = CSharpCompilation.Create(
            "ReadmeBlock",
            trees,
            s_references.Value,
            new CSharpCompilationOptions(
                isProgram ? OutputKind.ConsoleApplication : OutputKind.DynamicallyLinkedLibrary,
                nullableContextOptions: NullableContextOptions.Enable));

        using var pe = new MemoryStream();
        var result = compilation.Emit(pe);
        var errors = result.Diagnostics
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .Select(d => Describe(d, readme, block))
            .Distinct()
            .ToList();
        return (isProgram ? "program" : "declarations", ambient, errors);
    }

    /// <summary>An error with its README line (the block's first code line is the fence's line + 1).</summary>
    private static string Describe(Diagnostic diagnostic, string readme, Block block)
    {
        var span = diagnostic.Location.GetLineSpan();
        if (diagnostic.Location.IsInSource && span.Path == readme)
        {
            var line = span.StartLinePosition.Line;
            var text = block.Code.Split('\n')[line].Trim();
            return $"{readme}({block.Line + 1 + line},{span.StartLinePosition.Character + 1}): {diagnostic.Id}: {diagnostic.GetMessage()}  | {text}";
        }

        return $"{(diagnostic.Location.IsInSource ? span.Path : "compilation")}: {diagnostic.Id}: {diagnostic.GetMessage()}";
    }

    /// <summary>
    /// Everything this test process can load: the .NET runtime, the libraries and what the test project
    /// references (Akka, Akka.Hosting, Microsoft.Extensions.Hosting, Akka.TestKit.Xunit2, xunit).
    /// </summary>
    private static IReadOnlyList<MetadataReference> LoadReferences()
    {
        var paths = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Concat(Directory.EnumerateFiles(AppContext.BaseDirectory, "*.dll"))
            .Where(File.Exists)
            .GroupBy(Path.GetFileName, StringComparer.OrdinalIgnoreCase)
            .Select(g => g.First());

        var references = new List<MetadataReference>();
        foreach (var path in paths)
        {
            try
            {
                using var stream = File.OpenRead(path);
                using var pe = new System.Reflection.PortableExecutable.PEReader(stream);
                if (pe.HasMetadata)
                {
                    references.Add(MetadataReference.CreateFromFile(path));
                }
            }
            catch (BadImageFormatException)
            {
            }
        }

        return references;
    }
}
