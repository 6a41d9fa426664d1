using System.Diagnostics;
using System.Globalization;

namespace ActorContext.ConsoleHost.Server;

/// <summary>
/// The host's own figures, the answer to the protocol's one line that is not a request, <c>stats</c>:
/// <c>stats: answered=20000 log-backlog=0 working-set=101187584 peak-working-set=200798208 gc-heap=4812390</c> (bytes). The load
/// mode reads it after each round; any client may.
/// </summary>
/// <remarks>
/// The working set and heap are measured after a full, compacting collection that returns free memory to the system
/// (<see cref="GCCollectionMode.Aggressive"/>): what the host keeps, not garbage that happens to be waiting for the
/// next collection — so two readings compare, and a leak shows as growth from one to the next.
/// </remarks>
/// <param name="Answered">Requests that crossed the pipeline and were answered since the host started.</param>
/// <param name="LogBacklog">Log events waiting in Akka's logger actors (<see cref="Server.LogBacklog"/>).</param>
/// <param name="WorkingSet">The host process's working set after a full collection, in bytes.</param>
/// <param name="PeakWorkingSet">The largest working set the host process has had, in bytes.</param>
/// <param name="GcHeap">Bytes the managed heap holds after that collection.</param>
internal sealed record HostStats(long Answered, long LogBacklog, long WorkingSet, long PeakWorkingSet, long GcHeap)
{
    /// <summary>The line that asks for the figures.</summary>
    public const string Request = "stats";

    private const string Prefix = "stats: ";

    /// <summary>The figures of the current process, after a full collection.</summary>
    public static HostStats OfThisProcess(long answered, long logBacklog)
    {
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        using var process = Process.GetCurrentProcess();
        return new HostStats(answered, logBacklog, process.WorkingSet64, process.PeakWorkingSet64, GC.GetTotalMemory(forceFullCollection: false));
    }

    /// <summary>Reads a reply line; false when it is not a <c>stats:</c> line with all five figures.</summary>
    public static bool TryParse(string? line, out HostStats stats)
    {
        stats = new HostStats(0, 0, 0, 0, 0);
        if (line is null || !line.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return false;
        }

        var figures = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var pair in line[Prefix.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            if (parts.Length == 2 && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            {
                figures[parts[0]] = value;
            }
        }

        if (!figures.TryGetValue("answered", out var answered)
            || !figures.TryGetValue("log-backlog", out var backlog)
            || !figures.TryGetValue("working-set", out var workingSet)
            || !figures.TryGetValue("peak-working-set", out var peak)
            || !figures.TryGetValue("gc-heap", out var heap))
        {
            return false;
        }

        stats = new HostStats(answered, backlog, workingSet, peak, heap);
        return true;
    }

    /// <summary>The reply line.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Prefix}answered={Answered} log-backlog={LogBacklog} working-set={WorkingSet} peak-working-set={PeakWorkingSet} gc-heap={GcHeap}");
}
