using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.RegularExpressions;

namespace ActorContext.Samples.Tests;

/// <summary>
/// How a connection ends: a client that ends its input (half-closes) is answered in full, one that goes away (a reset, a
/// failed write) has its requests cancelled.
/// </summary>
public partial class ConsoleHostConnectionTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(20);

    [GeneratedRegex(@"^stats: answered=\d+ log-backlog=\d+ working-set=[1-9]\d* peak-working-set=[1-9]\d* gc-heap=[1-9]\d*$")]
    private static partial Regex StatsLine();

    [GeneratedRegex(@"^result: r-[0-9a-f]{10}$")]
    private static partial Regex GeneratedResult();

    [Fact]
    public async Task Serve_ClientHalfClosesAfterSending_EveryLineIsAnsweredThenTheServerCloses()
    {
        // Hops wait 200–250 ms: every request is still in flight when the client's input ends.
        var serving = await ConsoleHostServeTests.StartServingAsync(["--min-delay-ms", "200", "--max-delay-ms", "250"], s_timeout);
        using var sample = serving.Sample;

        // As `printf 'hello\nid: my-id\n' | nc -N 127.0.0.1 8081` does, plus a last line without a line break.
        using var client = await ConsoleHostServeTests.ConnectAsync(serving.Server);
        var endpoint = client.Client.LocalEndPoint!.ToString()!;
        var stream = client.GetStream();
        await stream.WriteAsync("hello\nid: my-id\nid: half-1\nid: half-2\nid: last-unterminated"u8.ToArray());
        client.Client.Shutdown(SocketShutdown.Send);

        using var reader = new StreamReader(stream, Encoding.UTF8);
        using var cancel = new CancellationTokenSource(s_timeout);
        Assert.Matches(GeneratedResult(), await reader.ReadLineAsync(cancel.Token));
        Assert.Equal("result: my-id", await reader.ReadLineAsync(cancel.Token));
        Assert.Equal("result: half-1", await reader.ReadLineAsync(cancel.Token));
        Assert.Equal("result: half-2", await reader.ReadLineAsync(cancel.Token));
        Assert.Equal("result: last-unterminated", await reader.ReadLineAsync(cancel.Token));
        Assert.Null(await reader.ReadLineAsync(cancel.Token)); // then the server closes

        Assert.DoesNotContain(sample.Stdout, l => l.Contains($"connection from {endpoint} closed: cancelled", StringComparison.Ordinal));
        Assert.DoesNotContain(sample.Stdout, l => l.Contains("request-id:half-", StringComparison.Ordinal) && l.Contains("gave up", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Serve_ClientClosesWhileItsRepliesAreComing_ItsRemainingRequestsAreCancelled()
    {
        var serving = await ConsoleHostServeTests.StartServingAsync(["--min-delay-ms", "200", "--max-delay-ms", "250"], s_timeout);
        using var sample = serving.Sample;

        // 100 pipelined lines; the server has at most 32 in flight, so most are still to come when the client closes
        // after the first reply. Whether its system answers the next reply with a reset or resets at once (a reply
        // already unread), the host notices at a read or a write and cancels what is in flight.
        using var client = await ConsoleHostServeTests.ConnectAsync(serving.Server);
        var endpoint = client.Client.LocalEndPoint!.ToString()!;
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 100).Select(i => $"id: closer-{i}\n"))));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        using var cancel = new CancellationTokenSource(s_timeout);
        Assert.Equal("result: closer-0", await reader.ReadLineAsync(cancel.Token));
        client.Close();

        var closed = await sample.WaitForLineAsync(l => l.Contains($"connection from {endpoint} closed: cancelled ", StringComparison.Ordinal), s_timeout);
        Assert.DoesNotContain("cancelled 0 in-flight", closed, StringComparison.Ordinal);

        // Still serving.
        Assert.Equal(["result: after-close"], await ConsoleHostServeTests.ExchangeAsync(serving.Server, "id: after-close\n"u8.ToArray(), 1));
    }

    [Fact]
    public async Task Serve_SmallLoad20ConnectionsX20PipelinedLines_EveryReplyCarriesItsOwnRequestsId()
    {
        // Default delays and full hop logging, as a user would load-test it.
        var serving = await ConsoleHostServeTests.StartServingAsync([], s_timeout);
        using var sample = serving.Sample;

        var connections = Enumerable.Range(0, 20).Select(async c =>
        {
            var ids = Enumerable.Range(0, 20).Select(i => $"load-{c}-{i}").ToArray();
            var replies = await ConsoleHostServeTests.ExchangeAsync(serving.Server, Encoding.UTF8.GetBytes(string.Concat(ids.Select(id => $"id: {id}\n"))), ids.Length);
            return (ids, replies);
        });

        foreach (var (ids, replies) in await Task.WhenAll(connections))
        {
            Assert.Equal(ids.Select(id => $"result: {id}"), replies);
        }

        var stats = await ConsoleHostServeTests.ExchangeAsync(serving.Server, "stats\n"u8.ToArray(), 1);
        Assert.Matches(StatsLine(), stats[0]);
        Assert.Contains(" answered=400 ", stats[0], StringComparison.Ordinal);

        // Each request awaited in a parse worker of its own (so none queued behind another's wait). The log is written
        // asynchronously: wait for its lines, not for the replies.
        var parsedBy = await Wait.ForAsync(
            () => sample.Stdout
                .Where(l => l.Contains("request-id:load-", StringComparison.Ordinal) && l.Contains("hop parse parsed", StringComparison.Ordinal))
                .Select(l => ParseWorkerPath().Match(l).Value)
                .ToArray(),
            static lines => lines.Length >= 400,
            s_timeout,
            "a 'hop parse parsed' line for each of the 400 requests",
            static lines => $"{lines.Length} such lines");

        Assert.Equal(400, parsedBy.Length);
        Assert.Equal(400, parsedBy.Distinct(StringComparer.Ordinal).Count(p => p.Length > 0));
    }

    [GeneratedRegex(@"akka://console-host/user/parse/[^\]]+")]
    private static partial Regex ParseWorkerPath();

    [Fact]
    public async Task Load_TwoRoundsAgainstAServingHost_ReportsEveryReplyRightAndTheHostsWorkingSet()
    {
        var serving = await ConsoleHostServeTests.StartServingAsync(["--hop-log-level", "Warning"], s_timeout);
        using var host = serving.Sample;

        using var load = SampleProcess.Start("ActorContext.ConsoleHost.dll", ["--load", "20", "20", "--rounds", "2", "--port", serving.Server.Port.ToString()]);
        var exitCode = await load.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.True(exitCode == 0, $"exit code {exitCode}\n{load.AllOutput}");
        var rounds = load.Stdout.Where(l => l.StartsWith("round ", StringComparison.Ordinal)).ToArray();
        Assert.Equal(2, rounds.Length);
        Assert.All(rounds, r => Assert.Matches(@"^round \d: 400 requests in .* req/s; latency p50 \d+ ms, p99 \d+ ms; replies 400 right, 0 wrong, 0 missing; host log backlog \d+ line\(s\), written in [\d.]+ s; host working set [\d.]+ MB, peak [\d.]+ MB, GC heap [\d.]+ MB$", r));
        Assert.StartsWith("summary: 2 round(s), 800 requests, 800 right, 0 wrong, 0 missing; ", load.Stdout.Last(l => l.Length > 0));
    }

    [Fact]
    public async Task Load_NothingServingOnThePort_SaysSoAndExitsOne()
    {
        using var load = SampleProcess.Start("ActorContext.ConsoleHost.dll", ["--load", "3", "2", "--port", ConsoleHostServeTests.FreeLoopbackPort().ToString()]);

        var exitCode = await load.WaitForExitAsync(s_timeout);

        Assert.Equal(1, exitCode);
        Assert.Contains(load.Stdout, l => l.Contains("3 of 3 connection(s)", StringComparison.Ordinal) && l.Contains("is the host serving there", StringComparison.Ordinal));
        Assert.Contains(load.Stdout, l => l.Contains("0 right, 0 wrong, 6 missing", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(new[] { "--load", "0", "5" }, "--load needs CONNECTIONS and LINES of at least 1")]
    [InlineData(new[] { "--load", "2", "2", "--serve" }, "leave out --serve")]
    [InlineData(new[] { "--load", "2", "2", "--rounds", "0" }, "--rounds must be at least 1")]
    public async Task Load_BadArguments_SaysWhatIsWrongAndExitsTwo(string[] args, string message)
    {
        using var load = SampleProcess.Start("ActorContext.ConsoleHost.dll", args);

        var exitCode = await load.WaitForExitAsync(s_timeout);

        Assert.True(exitCode == 2, $"exit code {exitCode}\n{load.AllOutput}");
        Assert.Contains(message, load.AllOutput, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--hop-log-level")]
    [InlineData("--log-level")]
    public async Task SelfTest_LevelWarning_NoHopLinesAndEveryRequestStillMatches(string option)
    {
        using var sample = SampleProcess.Start("ActorContext.ConsoleHost.dll", [option, "Warning"]);

        var exitCode = await sample.WaitForExitAsync(TimeSpan.FromSeconds(45));

        Assert.True(exitCode == 0, $"exit code {exitCode}\n{sample.AllOutput}");
        Assert.Equal("summary: 20 requests, 20 replies, 20 unique ids, 0 mismatches", sample.Stdout.Last(l => l.Length > 0));
        Assert.DoesNotContain(sample.Stdout, l => l.Contains(" hop ", StringComparison.Ordinal));
        if (option == "--log-level")
        {
            Assert.DoesNotContain(sample.Stdout, l => l.StartsWith("info: ", StringComparison.Ordinal));
        }
        else
        {
            Assert.Contains(sample.Stdout, l => l.Contains("serving on 127.0.0.1:", StringComparison.Ordinal)); // the server's own lines stay
        }
    }
}
