using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace ActorContext.Samples.Tests;

/// <summary><c>--serve</c>: many concurrent clients, bad input, and a graceful SIGTERM with a request in flight.</summary>
public partial class ConsoleHostServeTests
{
    private const int Clients = 120;
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(20);

    [GeneratedRegex(@"^result: r-[0-9a-f]{10}$")]
    private static partial Regex GeneratedResult();

    [GeneratedRegex(@"answering (\d+) request\(s\) in flight")]
    private static partial Regex InFlightAtStop();

    [Fact]
    public async Task Serve_ManyClientsBadInputAndSigterm_AnswersEveryRequestAndExitsZero()
    {
        // Hops wait 250–300 ms each, so a request is still in flight for at least half a second after its parse hop
        // has logged; each request has a parse worker of its own, so 240 concurrent requests overlap their waits.
        var serving = await StartServingAsync(["--min-delay-ms", "250", "--max-delay-ms", "300"], s_timeout);
        using var sample = serving.Sample;
        var server = serving.Server;

        // ≥ 100 concurrent clients, each with a client-supplied and a generated ID on one connection, plus bad input
        // and clients that go away mid-request, all at the same time.
        var clients = Enumerable.Range(0, Clients).Select(i => TwoRequestsAsync(server, i)).ToList();
        var badInput = new List<Task>
        {
            InvalidIdThenValidAsync(server),
            InvalidUtf8ThenValidAsync(server),
            LongestLineIsAcceptedAsync(server),
            OverLongLineClosesAsync(server),
            OverLongUnterminatedLineClosesAsync(server),
        };
        var gone = Enumerable.Range(0, 10).Select(i => DisconnectMidRequestAsync(server, $"gone-{i}")).ToList();

        var generated = await Task.WhenAll(clients);
        await Task.WhenAll(badInput.Concat(gone));
        Assert.Equal(Clients, generated.Distinct().Count());

        // Still serving after all that.
        Assert.Equal(["result: still-alive"], await ExchangeAsync(server, "id: still-alive\n"u8.ToArray(), 1));

        // The hop lines carry the request ID through the logging scope.
        var logged = sample.Stdout.Where(l => l.Contains("request-id:c-7-own ", StringComparison.Ordinal)).ToArray();
        foreach (var hop in ConsoleHostSelfTestTests.Hops)
        {
            Assert.True(logged.Count(l => l.Contains($"hop {hop} ", StringComparison.Ordinal)) == 1, $"hop {hop}:\n{string.Join('\n', logged)}");
        }

        // SIGTERM while a request is in flight: it is answered, then the connection closes and the process exits 0.
        using var inFlight = await ConnectAsync(server);
        var stream = inFlight.GetStream();
        await stream.WriteAsync("id: in-flight\n"u8.ToArray());
        await sample.WaitForLineAsync(l => l.Contains("request-id:in-flight ", StringComparison.Ordinal) && l.Contains("hop parse ", StringComparison.Ordinal), s_timeout);
        await sample.TerminateAsync();

        using var reader = new StreamReader(stream, Encoding.UTF8);
        using var cancel = new CancellationTokenSource(s_timeout);
        Assert.Equal("result: in-flight", await reader.ReadLineAsync(cancel.Token));
        Assert.Null(await reader.ReadLineAsync(cancel.Token));

        var exitCode = await sample.WaitForExitAsync(s_timeout);
        Assert.True(exitCode == 0, $"exit code {exitCode}\n{sample.AllOutput}");

        // The shutdown really began while the request was in flight, and waited for it.
        var stopped = await sample.WaitForLineAsync(l => l.Contains("stopped accepting", StringComparison.Ordinal), s_timeout);
        var inFlightAtStop = int.Parse(InFlightAtStop().Match(stopped).Groups[1].Value);
        Assert.True(inFlightAtStop >= 1, stopped);
        Assert.Contains(sample.Stdout, l => l.Contains("all requests answered", StringComparison.Ordinal));
    }

    /// <summary>A client-supplied ID, then a generated one, pipelined on one connection; returns the generated ID.</summary>
    private static async Task<string> TwoRequestsAsync(IPEndPoint server, int i)
    {
        var replies = await ExchangeAsync(server, Encoding.UTF8.GetBytes($"id: c-{i}-own\nhello from client {i}\n"), 2);
        Assert.Equal($"result: c-{i}-own", replies[0]);
        Assert.Matches(GeneratedResult(), replies[1]);
        return replies[1];
    }

    private static async Task InvalidIdThenValidAsync(IPEndPoint server)
    {
        var tooLongId = new string('x', 65);
        var replies = await ExchangeAsync(server, Encoding.UTF8.GetBytes($"id: bad id!\nid: {tooLongId}\nid:\nid: ok.after_bad-id\n"), 4);
        Assert.StartsWith("error: invalid id", replies[0]);
        Assert.StartsWith("error: invalid id", replies[1]);
        Assert.StartsWith("error: invalid id", replies[2]);
        Assert.Equal("result: ok.after_bad-id", replies[3]);
    }

    private static async Task InvalidUtf8ThenValidAsync(IPEndPoint server)
    {
        byte[] bytes = [0xC3, 0x28, (byte)'\n', 0xFF, 0xFE, (byte)'x', (byte)'\n', .. "id: ok-after-utf8\n"u8];
        var replies = await ExchangeAsync(server, bytes, 3);
        Assert.Equal(["error: invalid utf-8", "error: invalid utf-8", "result: ok-after-utf8"], replies);
    }

    private static async Task LongestLineIsAcceptedAsync(IPEndPoint server)
    {
        var line = Encoding.UTF8.GetBytes(new string('a', 4096) + "\r\n");
        var replies = await ExchangeAsync(server, line, 1);
        Assert.Matches(GeneratedResult(), replies[0]);
    }

    private static async Task OverLongLineClosesAsync(IPEndPoint server)
    {
        using var client = await ConnectAsync(server);
        var stream = client.GetStream();
        using var cancel = new CancellationTokenSource(s_timeout);
        await stream.WriteAsync(Encoding.UTF8.GetBytes("id: before-long\n" + new string('a', 5000) + "\nid: never\n"), cancel.Token);

        using var reader = new StreamReader(stream, Encoding.UTF8);
        Assert.Equal("result: before-long", await reader.ReadLineAsync(cancel.Token));
        Assert.Equal("error: line too long", await reader.ReadLineAsync(cancel.Token));
        Assert.Null(await reader.ReadLineAsync(cancel.Token)); // closed
    }

    private static async Task OverLongUnterminatedLineClosesAsync(IPEndPoint server)
    {
        using var client = await ConnectAsync(server);
        var stream = client.GetStream();
        using var cancel = new CancellationTokenSource(s_timeout);
        // 64 KiB without a line break: answered as soon as the limit is passed, whatever else arrives.
        var write = stream.WriteAsync(new byte[64 * 1024].Select(_ => (byte)'z').ToArray(), cancel.Token).AsTask();

        using var reader = new StreamReader(stream, Encoding.UTF8);
        Assert.Equal("error: line too long", await reader.ReadLineAsync(cancel.Token));
        Assert.Null(await reader.ReadLineAsync(cancel.Token));
        await write;
    }

    private static async Task DisconnectMidRequestAsync(IPEndPoint server, string id)
    {
        using var client = await ConnectAsync(server);
        await client.GetStream().WriteAsync(Encoding.UTF8.GetBytes($"id: {id}\n"));
        client.Client.Close(0); // gone before the reply
    }

    /// <summary>Sends <paramref name="bytes"/> on a new connection and reads <paramref name="replies"/> lines.</summary>
    internal static async Task<string[]> ExchangeAsync(IPEndPoint server, byte[] bytes, int replies)
    {
        using var client = await ConnectAsync(server);
        var stream = client.GetStream();
        using var cancel = new CancellationTokenSource(s_timeout);
        await stream.WriteAsync(bytes, cancel.Token);

        using var reader = new StreamReader(stream, Encoding.UTF8);
        var lines = new string[replies];
        for (var i = 0; i < replies; i++)
        {
            lines[i] = await reader.ReadLineAsync(cancel.Token) ?? throw new Xunit.Sdk.XunitException($"connection closed after {i} of {replies} replies");
        }

        return lines;
    }

    internal static async Task<TcpClient> ConnectAsync(IPEndPoint server)
    {
        var client = new TcpClient(AddressFamily.InterNetwork) { NoDelay = true };
        using var cancel = new CancellationTokenSource(s_timeout);
        await client.ConnectAsync(server, cancel.Token);
        return client;
    }

    /// <summary>
    /// Starts the console host with <c>--serve</c> on a free loopback port (plus <paramref name="args"/>) and waits until it
    /// listens. The caller disposes the process.
    /// </summary>
    internal static async Task<(SampleProcess Sample, IPEndPoint Server)> StartServingAsync(
        IEnumerable<string> args, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        var port = FreeLoopbackPort();
        var sample = SampleProcess.Start("ActorContext.ConsoleHost.dll", ["--serve", "--port", port.ToString(), .. args], environment);
        try
        {
            await sample.WaitForLineAsync(l => l.Contains($"serving on 127.0.0.1:{port}", StringComparison.Ordinal), timeout);
        }
        catch
        {
            sample.Dispose();
            throw;
        }

        return (sample, new IPEndPoint(IPAddress.Loopback, port));
    }

    internal static int FreeLoopbackPort()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}
