using ActorContext.ConsoleHost.Server;

namespace ActorContext.ConsoleHost.Load;

/// <summary>One round of the load mode as its clients saw it.</summary>
/// <param name="Number">The round's number, from 1.</param>
/// <param name="Requests">Lines sent.</param>
/// <param name="Right">Replies that carried their own request's ID.</param>
/// <param name="Wrong">Replies that did not (another ID, or an error line).</param>
/// <param name="Elapsed">From the first line sent to the last reply read, every connection already open.</param>
/// <param name="LatenciesMs">Per reply, from writing the connection's lines to reading it, sorted.</param>
/// <param name="LogBacklogAtEnd">Log lines the host still had to write when the last reply came (null: unknown).</param>
/// <param name="LogDrained">How long after the last reply the host's log backlog was written.</param>
/// <param name="Host">
/// The host's figures once its log backlog was written, or null when it did not answer <c>stats</c>.
/// </param>
internal sealed record LoadRound(
    int Number, int Requests, int Right, int Wrong, TimeSpan Elapsed, double[] LatenciesMs, long? LogBacklogAtEnd, TimeSpan LogDrained, HostStats? Host)
{
    /// <summary>Lines that got no reply (the connection failed, closed, or a reply took longer than the wait).</summary>
    public int Missing => Requests - Right - Wrong;

    /// <summary>Replies per second over the round.</summary>
    public double RequestsPerSecond => Elapsed > TimeSpan.Zero ? (Right + Wrong) / Elapsed.TotalSeconds : 0;

    /// <summary>The latency below which <paramref name="fraction"/> of the replies came (nearest rank); 0 with none.</summary>
    public double LatencyMs(double fraction) =>
        LatenciesMs.Length == 0 ? 0 : LatenciesMs[Math.Clamp((int)Math.Ceiling(fraction * LatenciesMs.Length) - 1, 0, LatenciesMs.Length - 1)];
}
