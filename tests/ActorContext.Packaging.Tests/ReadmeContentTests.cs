using System.Text.RegularExpressions;

namespace ActorContext.Packaging.Tests;

/// <summary>
/// The READMEs name what the repository has: every sample and every package, and package READMEs (shown on their own
/// by a package feed) link to nothing that is not there.
/// </summary>
public sealed class ReadmeContentTests
{
    [Fact]
    public void SamplesTable_InRootReadme_ListsEverySampleFolderAndNothingElse()
    {
        var listed = TableColumn(Section(Read("README.md"), "## Samples"), "sample")
            .Select(cell => Regex.Match(cell, @"^`samples/([^`/]+)/?`$") is { Success: true } m ? m.Groups[1].Value : $"(not a samples/ folder: {cell})")
            .ToList();

        Assert.Equal(SampleFolders(), listed.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void SamplesReadme_HasASectionForEverySampleFolderAndNothingElse()
    {
        var sections = Regex.Matches(Read("samples/README.md"), @"^## (.+?)\s*$", RegexOptions.Multiline)
            .Select(m => m.Groups[1].Value);

        Assert.Equal(SampleFolders(), sections.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void InstallTable_InRootReadme_ListsEveryPackage()
    {
        var listed = TableColumn(Section(Read("README.md"), "## Install"), "package").Select(c => c.Trim('`')).ToHashSet();

        Assert.All(Repo.LibraryProjects, project => Assert.Contains(project, listed));
        Assert.All(Directory.EnumerateDirectories(Repo.PathOf("src")).Select(Path.GetFileName),
            project => Assert.Contains(project!, listed));
    }

    /// <summary>A package feed shows a package's README on its own: a relative link has nothing to point at there, and
    /// the repository's address is not known until it is published (a placeholder address was once linked).</summary>
    [Fact]
    public void PackageReadmes_LinkNeitherRelativePathsNorTheRepository()
    {
        var links = Repo.LibraryProjects
            .SelectMany(p => Regex.Matches(Read($"src/{p}/README.md"), @"\]\(([^)\s]+)").Select(m => $"src/{p}/README.md: {m.Groups[1].Value}"))
            .ToList();

        Assert.DoesNotContain(links, l => !Regex.IsMatch(l, @": https?://"));
        Assert.DoesNotContain(links, l => l.Contains("github.com/actorcontext", StringComparison.OrdinalIgnoreCase));
    }

    private static string[] SampleFolders() =>
        Directory.EnumerateDirectories(Repo.PathOf("samples"))
            .Where(d => Directory.EnumerateFiles(d, "*.csproj").Any())
            .Select(d => Path.GetFileName(d)!)
            .Order(StringComparer.Ordinal)
            .ToArray();

    private static string Read(string path) => File.ReadAllText(Repo.PathOf(path.Split('/'))).ReplaceLineEndings("\n");

    /// <summary>The text from a heading line to the next heading of the same or a higher level.</summary>
    private static string Section(string markdown, string heading)
    {
        var start = markdown.IndexOf("\n" + heading + "\n", StringComparison.Ordinal);
        Assert.True(start >= 0, $"README has no '{heading}' section");
        var level = heading.TakeWhile(c => c == '#').Count();
        var next = Regex.Match(markdown[(start + heading.Length + 2)..], $@"^#{{1,{level}}} ", RegexOptions.Multiline);
        return next.Success ? markdown.Substring(start, heading.Length + 2 + next.Index) : markdown[start..];
    }

    /// <summary>The cells of the named column of the table in <paramref name="section"/>.</summary>
    private static List<string> TableColumn(string section, string header)
    {
        var rows = section.Split('\n').Where(l => l.StartsWith('|')).Select(Cells).ToList();
        Assert.True(rows.Count > 2, "no table in the section");
        var column = rows[0].IndexOf(header);
        Assert.True(column >= 0, $"the table has no '{header}' column");
        return rows.Skip(2).Select(r => r[column]).ToList();

        static List<string> Cells(string row) => row.Trim().Trim('|').Split('|').Select(c => c.Trim()).ToList();
    }
}
