using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using ActorContext.ConsoleHost.Server;

namespace ActorContext.ConsoleHost.Load;

/// <summary>
/// <c>--load CONNECTIONS LINES</c>: drives a running host (<c>--serve</c>, usually in another process) over loopback the
/// way a client would. Each round opens every connection, writes each connection's lines in one go (pipelined), reads
/// the replies, checks that each one carries its own line's ID (<c>id: ld-…</c>), then asks the host for its figures
/// with a <c>stats</c> line — again until the host's log backlog is written, so the working set it reports is what the
/// host keeps, not log lines still waiting to be written.
/// </summary>
internal static class LoadTest
{
    /// <summary>How long a client waits for each reply before it gives up on its connection.</summary>
    public static readonly TimeSpan ReplyWait = TimeSpan.FromSeconds(30);

    private const int WrongShown = 5;
    private static readonly TimeSpan s_drainPoll = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan s_drainWait = TimeSpan.FromSeconds(60);

    /// <summary>Runs the rounds and prints one line per round and a summary; returns 0 when every reply was right.</summary>
    public static async Task<int> RunAsync(IPEndPoint server, int connections, int lines, int rounds, TextWriter output, CancellationToken cancellationToken)
    {
        output.WriteLine(Invariant($"load: {connections} connection(s) x {lines} pipelined line(s), {rounds} round(s), against {server}"));
        var results = new List<LoadRound>();
        var wrongShown = 0;
        for (var number = 1; number <= rounds && !cancellationToken.IsCancellationRequested; number++)
        {
            var round = await RunRoundAsync(server, number, connections, lines, output, line =>
            {
                if (Interlocked.Increment(ref wrongShown) <= WrongShown)
                {
                    output.WriteLine(line);
                }
            }, cancellationToken);
            results.Add(round);
            output.WriteLine(Describe(round));
        }

        if (results.Count == 0)
        {
            return 1;
        }

        var requests = results.Sum(r => r.Requests);
        var right = results.Sum(r => r.Right);
        var wrong = results.Sum(r => r.Wrong);
        var summary = Invariant(
            $"summary: {results.Count} round(s), {requests} requests, {right} right, {wrong} wrong, {requests - right - wrong} missing; median {Median(results.Select(r => r.RequestsPerSecond)):0} req/s, p50 {Median(results.Select(r => r.LatencyMs(0.5))):0} ms, p99 {Median(results.Select(r => r.LatencyMs(0.99))):0} ms");
        if (results[0].Host is { } first && results[^1].Host is { } last)
        {
            summary += Invariant(
                $"; host working set after round 1 {Mb(first.WorkingSet)}, after round {results.Count} {Mb(last.WorkingSet)} ({100.0 * (last.WorkingSet - first.WorkingSet) / first.WorkingSet:+0.0;-0.0;0.0} %), peak {Mb(last.PeakWorkingSet)}");
        }

        output.WriteLine(summary);
        return right == requests ? 0 : 1;
    }

    private static async Task<LoadRound> RunRoundAsync(
        IPEndPoint server, int number, int connections, int lines, TextWriter output, Action<string> reportWrong, CancellationToken cancellationToken)
    {
        // A prefix of its own per round, so a late reply from an earlier round can never count as right.
        var run = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
        var clients = await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => ConnectAsync(server, cancellationToken)));
        if (clients.Any(c => c is null))
        {
            output.WriteLine(Invariant($"{clients.Count(c => c is null)} of {connections} connection(s) to {server} failed: is the host serving there (--serve --port {server.Port})?"));
        }

        try
        {
            var clock = Stopwatch.StartNew();
            var outcomes = await Task.WhenAll(clients.Select((client, c) =>
                ExchangeAsync(client, Enumerable.Range(0, lines).Select(i => $"ld-{run}-{c}-{i}").ToArray(), reportWrong, cancellationToken)));
            var elapsed = clock.Elapsed;

            var latencies = outcomes.SelectMany(o => o.LatenciesMs).ToArray();
            Array.Sort(latencies);
            var (backlog, drained, host) = await AwaitLogDrainedAsync(server, cancellationToken);
            return new LoadRound(number, connections * lines, outcomes.Sum(o => o.Right), outcomes.Sum(o => o.Wrong), elapsed, latencies, backlog, drained, host);
        }
        finally
        {
            foreach (var client in clients)
            {
                client?.Dispose();
            }
        }
    }

    /// <summary>Writes every line at once, then reads the replies in order.</summary>
    private static async Task<(int Right, int Wrong, List<double> LatenciesMs)> ExchangeAsync(
        TcpClient? client, string[] ids, Action<string> reportWrong, CancellationToken cancellationToken)
    {
        var latencies = new List<double>(ids.Length);
        var right = 0;
        var wrong = 0;
        if (client is null)
        {
            return (right, wrong, latencies);
        }

        try
        {
            var stream = client.GetStream();
            var started = Stopwatch.GetTimestamp();
            await stream.WriteAsync(Encoding.ASCII.GetBytes(string.Concat(ids.Select(id => $"id: {id}\n"))), cancellationToken);

            using var reader = new StreamReader(stream, Encoding.UTF8);
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            foreach (var id in ids)
            {
                wait.CancelAfter(ReplyWait); // re-armed for every reply
                var reply = await reader.ReadLineAsync(wait.Token);
                if (reply is null)
                {
                    break; // the host closed the connection: the rest are missing
                }

                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (reply == $"result: {id}")
                {
                    right++;
                }
                else
                {
                    wrong++;
                    reportWrong($"wrong reply: expected 'result: {id}', got '{reply}'");
                }
            }
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
        {
            // What was not read is counted as missing.
        }

        return (right, wrong, latencies);
    }

    /// <summary>
    /// Asks for the host's figures until its log backlog is written (at most a minute); returns the backlog at the first
    /// answer, how long it took to write it, and the last figures.
    /// </summary>
    private static async Task<(long? Backlog, TimeSpan Drained, HostStats? Host)> AwaitLogDrainedAsync(IPEndPoint server, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var first = await QueryStatsAsync(server, cancellationToken);
        var last = first;
        while (last is { LogBacklog: > 0 } && clock.Elapsed < s_drainWait)
        {
            await Task.Delay(s_drainPoll, cancellationToken);
            last = await QueryStatsAsync(server, cancellationToken) ?? last;
        }

        return (first?.LogBacklog, first is { LogBacklog: > 0 } ? clock.Elapsed : TimeSpan.Zero, last);
    }

    /// <summary>Asks the host for its figures on a connection of its own; null when it does not answer with them.</summary>
    private static async Task<HostStats?> QueryStatsAsync(IPEndPoint server, CancellationToken cancellationToken)
    {
        using var client = await ConnectAsync(server, cancellationToken);
        if (client is null)
        {
            return null;
        }

        try
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wait.CancelAfter(ReplyWait);
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes(HostStats.Request + "\n"), wait.Token);
            client.Client.Shutdown(SocketShutdown.Send); // one question: the host answers, then closes
            using var reader = new StreamReader(stream, Encoding.UTF8);
            return HostStats.TryParse(await reader.ReadLineAsync(wait.Token), out var stats) ? stats : null;
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
        {
            return null;
        }
    }

    private static async Task<TcpClient?> ConnectAsync(IPEndPoint server, CancellationToken cancellationToken)
    {
        var client = new TcpClient(AddressFamily.InterNetwork) { NoDelay = true };
        try
        {
            using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            wait.CancelAfter(ReplyWait);
            await client.ConnectAsync(server, wait.Token);
            return client;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            client.Dispose();
            return null;
        }
    }

    private static string Describe(LoadRound r)
    {
        var line = Invariant(
            $"round {r.Number}: {r.Requests} requests in {r.Elapsed.TotalSeconds:0.00} s, {r.RequestsPerSecond:0} req/s; latency p50 {r.LatencyMs(0.5):0} ms, p99 {r.LatencyMs(0.99):0} ms; replies {r.Right} right, {r.Wrong} wrong, {r.Missing} missing");
        return line + (r.Host is { } host
            ? Invariant($"; host log backlog {r.LogBacklogAtEnd} line(s), written in {r.LogDrained.TotalSeconds:0.0} s; host working set {Mb(host.WorkingSet)}, peak {Mb(host.PeakWorkingSet)}, GC heap {Mb(host.GcHeap)}")
            : "; host figures unknown (no answer to 'stats')");
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static string Mb(long bytes) => Invariant($"{bytes / 1048576.0:0.0} MB");

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
