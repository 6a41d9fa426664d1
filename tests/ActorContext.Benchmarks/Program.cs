using BenchmarkDotNet.Running;

namespace ActorContext.Benchmarks;

/// <summary>
/// Entry point: <c>--per-process</c> runs every scenario's variants in child processes (<see cref="PerProcessMode"/>),
/// <c>--quick</c> runs the plain-vs-propagation ratio mode (<see cref="QuickMode"/>); anything else goes to
/// BenchmarkDotNet's switcher (<c>--filter '*'</c>, <c>--job short</c>, ...).
/// </summary>
internal static class Program
{
    private static int Main(string[] args)
    {
        if (args.Contains("--per-process", StringComparer.Ordinal))
        {
            return PerProcessMode.Run(args, Console.Out);
        }

        if (args.Contains("--quick", StringComparer.Ordinal))
        {
            return QuickMode.Run(args, Console.Out);
        }

        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return summaries.Any(static s => s.HasCriticalValidationErrors || s.Reports.Any(static r => !r.Success)) ? 1 : 0;
    }
}
