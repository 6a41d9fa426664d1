using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace ActorContext.Benchmarks;

/// <summary>
/// <c>--per-process</c>: every scenario's plain and propagating variants, each in a child process of its own
/// (<c>--quick --solo plain|ctx --scenario NAME</c>), alternated over <c>--pairs N</c> pairs (default 3; which variant goes
/// first alternates too). One line per scenario in the quick mode's format, plus CPU time per delivery for both:
/// what a user's process sees, with no JIT profile shared between the two variants.
/// </summary>
/// <remarks>
/// Options: <c>--pairs N</c>, <c>--scenario NAME</c> (repeatable; default: all), <c>--control</c> (A/A: both children run
/// the plain variant, so every ratio should be 1.00), <c>--alt-build PATH</c> (repeatable; one more variant each,
/// <c>alt</c>, <c>alt2</c>, ...: the propagating child run from another build of this benchmark, an
/// <c>ActorContext.Benchmarks.dll</c>, for ablations measured in the same run, rotated with the others),
/// <c>--verbose</c> (each child's lines to stderr); anything else (<c>--messages</c>, <c>--rounds</c>, ...) is passed to
/// the children.
/// </remarks>
internal static partial class PerProcessMode
{
    /// <summary>Every scenario the children can run, in the order the lines are printed.</summary>
    internal static IReadOnlyList<string> AllScenarios { get; } =
    [
        .. Scenarios.All.Select(static s => s.Name),
        RemoteRoundTrip.Name,
        .. Scenarios.Last.Select(static s => s.Name),
        .. Scenarios.PerProcessOnly.Select(static s => s.Name),
    ];

    private const string Usage =
        "usage: --per-process [--pairs N] [--scenario NAME]... [--control] [--alt-build PATH]... [--verbose] [child options: --messages N --rounds N ...]";

    private static readonly TimeSpan s_childTimeout = TimeSpan.FromMinutes(5);

    private sealed record ChildResult(double Rate, double CpuNs, double Bytes, double? SpanFloorNs, double? SpanFourTagsNs);

    private sealed record Variant(string Label, string Solo, string Assembly);

    /// <summary>Runs the per-process mode and writes one line per scenario to <paramref name="output"/>.</summary>
    /// <returns>0; 1 when a child failed; 2 for bad arguments.</returns>
    public static int Run(string[] args, TextWriter output)
    {
        var pairs = 3;
        var control = false;
        var verbose = false;
        var alts = new List<string>();
        var scenarios = new List<string>();
        var passed = new List<string>();
        try
        {
            for (var i = 0; i < args.Length; i++)
            {
                switch (args[i])
                {
                    case "--per-process" or "--quick":
                        break;
                    case "--pairs":
                        pairs = int.Parse(args[++i], NumberStyles.Integer, CultureInfo.InvariantCulture);
                        if (pairs < 1)
                        {
                            throw new ArgumentException("--pairs must be positive");
                        }

                        break;
                    case "--scenario":
                        var name = args[++i];
                        scenarios.Add(AllScenarios.Contains(name) ? name : throw new ArgumentException($"unknown scenario '{name}' (one of: {string.Join(", ", AllScenarios)})"));
                        break;
                    case "--control":
                        control = true;
                        break;
                    case "--alt-build":
                        var alt = Path.GetFullPath(args[++i]);
                        alts.Add(alt);
                        if (!File.Exists(alt))
                        {
                            throw new ArgumentException($"--alt-build: no file '{alt}' (give the path of another build's ActorContext.Benchmarks.dll)");
                        }

                        break;
                    case "--verbose":
                        verbose = true;
                        break;
                    case "--solo" or "--json" or "--decompose" or "--alloc-profile" or "--systems" or "--variant":
                        throw new ArgumentException($"{args[i]} is not available with --per-process");
                    default:
                        // A child option and its value, if it takes one (checked by the child).
                        passed.Add(args[i]);
                        if (i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
                        {
                            passed.Add(args[++i]);
                        }

                        break;
                }
            }
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or IndexOutOfRangeException or OverflowException)
        {
            output.WriteLine($"error: {ex.Message}");
            output.WriteLine(Usage);
            return 2;
        }

        var self = typeof(PerProcessMode).Assembly.Location;
        var variants = new List<Variant>
        {
            new("plain", "plain", self),
            new("ctx", control ? "plain" : "ctx", self),
        };
        for (var i = 0; i < alts.Count; i++)
        {
            variants.Add(new Variant(i == 0 ? "alt" : $"alt{i + 1}", control ? "plain" : "ctx", alts[i]));
        }

        try
        {
            foreach (var scenario in scenarios.Count == 0 ? AllScenarios : scenarios)
            {
                output.WriteLine(Measure(scenario, variants, pairs, passed, verbose));
                output.Flush();
            }
        }
        catch (ChildFailedException ex)
        {
            output.WriteLine($"error: {ex.Message}");
            return 1;
        }

        return 0;
    }

    private static string Measure(string scenario, List<Variant> variants, int pairs, List<string> passed, bool verbose)
    {
        var results = variants.ToDictionary(static v => v.Label, static _ => new List<ChildResult>());
        for (var pair = 0; pair < pairs; pair++)
        {
            // Rotate which variant goes first: with two, plain first on even pairs and ctx first on odd ones; with more, each
            // variant leads in turn.
            for (var k = 0; k < variants.Count; k++)
            {
                var variant = variants[(pair + k) % variants.Count];
                results[variant.Label].Add(RunChild(variant, scenario, passed, verbose));
            }
        }

        var plain = results["plain"];
        var ctx = results["ctx"];
        var line = string.Create(
            CultureInfo.InvariantCulture,
            $"{scenario} plain={Median(plain, static r => r.Rate):F0} ctx={Median(ctx, static r => r.Rate):F0} ratio={PairRatio(plain, ctx):F2} extra_bytes_per_msg={Math.Round(Median(ctx, static r => r.Bytes) - Median(plain, static r => r.Bytes)):F0} plain_cpu_ns_per_delivery={Median(plain, static r => r.CpuNs):F1} ctx_cpu_ns_per_delivery={Median(ctx, static r => r.CpuNs):F1}");

        if (scenario == OneWaySpans.Name)
        {
            // Wall time per delivery above plain, pair by pair, against the cost of one bare span in the same children.
            // span_4tags_ns: the same Activity with the four tags a hop span gets, to itemize what a hop adds to the floor.
            var all = results.Values.SelectMany(static l => l).ToArray();
            var floor = QuickMode.Median(all.Where(static r => r.SpanFloorNs is not null).Select(static r => r.SpanFloorNs!.Value));
            var fourTags = QuickMode.Median(all.Where(static r => r.SpanFourTagsNs is not null).Select(static r => r.SpanFourTagsNs!.Value));
            var above = QuickMode.Median(plain.Zip(ctx, static (p, c) => (1e9 / c.Rate) - (1e9 / p.Rate)));
            line += string.Create(CultureInfo.InvariantCulture, $" span_floor_ns={floor:F1} span_4tags_ns={fourTags:F1} above_plain_ns={above:F1} above_plain_per_floor={above / floor:F2}");
        }

        foreach (var label in variants.Skip(2).Select(static v => v.Label))
        {
            var alt = results[label];
            line += string.Create(
                CultureInfo.InvariantCulture,
                $" {label}={Median(alt, static r => r.Rate):F0} {label}_ratio={PairRatio(plain, alt):F2} {label}_extra_bytes_per_msg={Math.Round(Median(alt, static r => r.Bytes) - Median(plain, static r => r.Bytes)):F0} {label}_cpu_ns_per_delivery={Median(alt, static r => r.CpuNs):F1}");
        }

        return line;
    }

    /// <summary>The median of each pair's ratio: the two children of a pair ran back to back, under the same load.</summary>
    private static double PairRatio(List<ChildResult> plain, List<ChildResult> other) =>
        Math.Round(QuickMode.Median(plain.Zip(other, static (p, o) => o.Rate / p.Rate)), 2);

    private static double Median(List<ChildResult> results, Func<ChildResult, double> value) => QuickMode.Median(results.Select(value));

    private static ChildResult RunChild(Variant variant, string scenario, List<string> passed, bool verbose)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])[variant.Assembly, "--quick", "--solo", variant.Solo, "--scenario", scenario, .. passed])
        {
            start.ArgumentList.Add(arg);
        }

        using var child = Process.Start(start) ?? throw new ChildFailedException($"could not start {start.FileName}");
        var stderr = child.StandardError.ReadToEndAsync();
        var stdout = child.StandardOutput.ReadToEnd();
        if (!child.WaitForExit(s_childTimeout))
        {
            child.Kill(entireProcessTree: true);
            throw new ChildFailedException($"{scenario} {variant.Label}: the child did not finish within {s_childTimeout.TotalMinutes} minutes");
        }

        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (verbose)
        {
            foreach (var l in lines)
            {
                Console.Error.WriteLine($"# [{variant.Label}] {l}");
            }
        }

        var last = lines.Length > 0 ? SoloLine().Match(lines[^1]) : Match.Empty;
        var bytes = lines.Select(static l => BytesLine().Match(l)).FirstOrDefault(static m => m.Success);
        if (child.ExitCode != 0 || !last.Success || last.Groups["name"].Value != scenario || bytes is null)
        {
            throw new ChildFailedException(
                $"{scenario} {variant.Label}: the child exited with {child.ExitCode} without its result line; its output ended with: {string.Join(" | ", lines.TakeLast(3))} {stderr.Result.Trim()}");
        }

        var floor = lines.Select(static l => FloorLine().Match(l)).FirstOrDefault(static m => m.Success);
        return new ChildResult(
            double.Parse(last.Groups["rate"].Value, CultureInfo.InvariantCulture),
            double.Parse(last.Groups["cpu"].Value, CultureInfo.InvariantCulture),
            double.Parse(bytes.Groups["bytes"].Value, CultureInfo.InvariantCulture),
            floor is null ? null : double.Parse(floor.Groups["ns"].Value, CultureInfo.InvariantCulture),
            floor is null ? null : double.Parse(floor.Groups["tags"].Value, CultureInfo.InvariantCulture));
    }

    /// <summary>The <c>dotnet</c> host: the one running this process, the one the SDK says, or the one on the PATH.</summary>
    private static string DotnetHost()
    {
        if (Environment.ProcessPath is { } path && Path.GetFileNameWithoutExtension(path) == "dotnet")
        {
            return path;
        }

        return Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
    }

    [GeneratedRegex(@"^(?<name>\S+) (plain|ctx)=(?<rate>\d+) cpu_ns_per_msg=(?<cpu>[\d.]+)$")]
    private static partial Regex SoloLine();

    [GeneratedRegex(@"^# \S+ (plain|ctx) bytes_per_msg=(?<bytes>-?[\d.]+)$")]
    private static partial Regex BytesLine();

    [GeneratedRegex(@"^# \S+ (plain|ctx) span_floor_ns=(?<ns>[\d.]+) span_4tags_ns=(?<tags>[\d.]+)$")]
    private static partial Regex FloorLine();

    private sealed class ChildFailedException(string message) : Exception(message);
}
