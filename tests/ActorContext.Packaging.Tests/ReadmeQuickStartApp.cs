using System.Text.RegularExpressions;

namespace ActorContext.Packaging.Tests;

/// <summary>
/// The first C# block of the root README, pasted as it is into <c>Program.cs</c> of a new console project that
/// references the packed ActorContext.Akka: run by <see cref="PackageSmokeTests"/>, it must print the line its
/// <c>Console.WriteLine</c> comment promises, and exit by itself.
/// </summary>
internal static class ReadmeQuickStartApp
{
    /// <summary>Writes the project into <paramref name="folder"/>, with the console app's <c>nuget.config</c>; returns
    /// the line the program must print.</summary>
    public static string Write(string folder, string version, string nugetConfig)
    {
        var code = ReadmeSnippetTests.ExtractBlocks(File.ReadAllText(Repo.PathOf("README.md")))[0].Code;
        var promises = code.Split('\n')
            .Select(line => Regex.Match(line, @"Console\.WriteLine\(.*//\s*(.+?)\s*$"))
            .Where(m => m.Success)
            .Select(m => m.Groups[1].Value)
            .ToList();
        Assert.True(promises.Count == 1, $"the README's first block should have one Console.WriteLine with the line it prints in a comment; found {promises.Count}");

        Directory.CreateDirectory(folder);
        File.Copy(nugetConfig, Path.Combine(folder, "nuget.config"));
        // What 'dotnet new console' writes, plus the one package the README's block needs.
        File.WriteAllText(Path.Combine(folder, "QuickStart.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup>
                <OutputType>Exe</OutputType>
                <TargetFramework>net10.0</TargetFramework>
                <ImplicitUsings>enable</ImplicitUsings>
                <Nullable>enable</Nullable>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="ActorContext.Akka" Version="{version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(folder, "Program.cs"), code);
        return promises[0];
    }
}
