using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using ActorContext.ConsoleHost.Server;

namespace ActorContext.ConsoleHost.Demo;

/// <summary>One request of the self-test as the client saw it.</summary>
/// <param name="Index">The request's number.</param>
/// <param name="Reply">The reply line, or <see langword="null"/> when none came.</param>
/// <param name="Record">What the server's edge recorded for it, or <see langword="null"/>.</param>
/// <param name="Latency">From sending the line to reading the reply.</param>
internal sealed record SelfTestResult(int Index, string? Reply, RequestRecord? Record, TimeSpan Latency)
{
    /// <summary>The ID in the reply, when it was a <c>result:</c> line.</summary>
    public string? ReplyId => Reply is not null && Reply.StartsWith("result: ", StringComparison.Ordinal) ? Reply["result: ".Length..] : null;

    /// <summary>
    /// The reply carries the edge's ID, every hop read that ID from its own context, and all hops were crossed.
    /// </summary>
    public bool IsMatch =>
        ReplyId is not null
        && Record is not null
        && ReplyId == Record.EdgeId
        && Record.IsConsistent
        && Record.Trace.Select(h => h.Hop).SequenceEqual(SelfTest.ExpectedHops);
}

/// <summary>
/// The sample's main job: fire concurrent requests at the server over real TCP, one connection each, and report
/// which hops saw each request's ID.
/// </summary>
internal static class SelfTest
{
    /// <summary>The hops every request crosses, edge first.</summary>
    public static readonly string[] ExpectedHops = ["edge", "parse", "enrich", "directory", "timer", "reply"];

    /// <summary>Opens one connection per request, then sends all requests at once and collects the results.</summary>
    public static async Task<SelfTestResult[]> RunAsync(IPEndPoint server, int count, RequestJournal journal, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        var clients = await Task.WhenAll(Enumerable.Range(1, count).Select(_ => ConnectAsync(server, cancel.Token)));
        try
        {
            return await Task.WhenAll(clients.Select((client, i) => SendOneAsync(i + 1, client, journal, cancel.Token)));
        }
        finally
        {
            foreach (var client in clients)
            {
                client?.Dispose();
            }
        }
    }

    private static async Task<TcpClient?> ConnectAsync(IPEndPoint server, CancellationToken cancellationToken)
    {
        var client = new TcpClient(AddressFamily.InterNetwork) { NoDelay = true };
        try
        {
            await client.ConnectAsync(server, cancellationToken);
            return client;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            client.Dispose();
            return null;
        }
    }

    private static async Task<SelfTestResult> SendOneAsync(int index, TcpClient? client, RequestJournal journal, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        if (client is null)
        {
            return new SelfTestResult(index, null, null, TimeSpan.Zero);
        }

        try
        {
            var port = ((IPEndPoint)client.Client.LocalEndPoint!).Port;
            var stream = client.GetStream();
            await stream.WriteAsync(Encoding.UTF8.GetBytes($"order #{index}\n"), cancellationToken);
            using var reader = new StreamReader(stream, Encoding.UTF8);
            var reply = await reader.ReadLineAsync(cancellationToken);
            var latency = clock.Elapsed;
            return new SelfTestResult(index, reply, journal.Take(port, 0), latency);
        }
        catch (Exception e) when (e is IOException or SocketException or OperationCanceledException)
        {
            return new SelfTestResult(index, null, null, clock.Elapsed);
        }
    }

    /// <summary>Prints the table and the summary line; returns the exit code (0 when every request matched).</summary>
    public static int Report(IReadOnlyList<SelfTestResult> results, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine($"{"#",3}  {"request id",-14}  {"hops that saw it",-40}  {"latency",8}");
        output.WriteLine($"{new string('-', 3)}  {new string('-', 14)}  {new string('-', 40)}  {new string('-', 8)}");
        foreach (var r in results)
        {
            var hops = r.Record is null ? "-" : string.Join('>', r.Record.HopsThatSawIt);
            var id = r.ReplyId ?? r.Reply ?? "(no reply)";
            var mark = r.IsMatch ? string.Empty : "  MISMATCH";
            output.WriteLine($"{r.Index,3}  {id,-14}  {hops,-40}  {r.Latency.TotalMilliseconds,5:0} ms{mark}");
        }

        var replies = results.Count(r => r.Reply is not null);
        var unique = results.Select(r => r.ReplyId).Where(id => id is not null).Distinct(StringComparer.Ordinal).Count();
        var mismatches = results.Count(r => r.Reply is not null && !r.IsMatch);
        output.WriteLine();
        output.WriteLine($"summary: {results.Count} requests, {replies} replies, {unique} unique ids, {mismatches} mismatches");
        return replies == results.Count && mismatches == 0 && unique == results.Count ? 0 : 1;
    }
}
