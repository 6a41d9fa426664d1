using System.Net;
using System.Net.Sockets;
using System.Text;

namespace ActorContext.Samples.Tests;

/// <summary><c>--deadline</c>: requests that overrun their budget, healthy ones, and clients that go away mid-request.</summary>
public class ConsoleHostDeadlineTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Deadline_RequestsThatOverrun_AreAnsweredDeadlineExceededInOrderAndTheConnectionStaysUsable()
    {
        // The parse hop alone waits 50–60 ms, so a 30 ms budget is always overrun.
        var serving = await ConsoleHostServeTests.StartServingAsync(["--deadline", "30", "--min-delay-ms", "50", "--max-delay-ms", "60"], s_timeout);
        using var sample = serving.Sample;
        var server = serving.Server;

        var replies = await ConsoleHostServeTests.ExchangeAsync(server, "id: slow-1\nid: bad id!\nid: slow-2\n"u8.ToArray(), 3);
        Assert.Equal("error: deadline exceeded", replies[0]);
        Assert.StartsWith("error: invalid id", replies[1]);
        Assert.Equal("error: deadline exceeded", replies[2]);

        // The server is still serving, and the work stopped instead of finishing: the parse hop gave up waiting, or
        // (delivered late) the message was dropped to dead letters.
        Assert.Equal(["error: deadline exceeded"], await ConsoleHostServeTests.ExchangeAsync(server, "id: slow-3\n"u8.ToArray(), 1));
        await sample.WaitForLineAsync(
            l => (l.Contains("request-id:slow-1 ", StringComparison.Ordinal) && l.Contains("hop parse gave up", StringComparison.Ordinal))
                || (l.Contains("Payload = id: slow-1,", StringComparison.Ordinal) && l.Contains("was not delivered", StringComparison.Ordinal)),
            s_timeout);
    }

    [Fact]
    public async Task Deadline_GenerousBudgetAndClientsThatGoAway_HealthyRequestsSucceedAndTheGoneOnesAreCancelled()
    {
        // Hops wait 200–250 ms: a request takes under a second, well inside its 5 s budget, and is certainly still in
        // flight when its client disconnects right after sending it.
        var serving = await ConsoleHostServeTests.StartServingAsync(["--deadline", "5000", "--min-delay-ms", "200", "--max-delay-ms", "250"], s_timeout);
        using var sample = serving.Sample;
        var server = serving.Server;

        // Healthy clients, concurrent with two that go away: one resets its connection, one closes it with a reply
        // unread (its system then resets the connection too, instead of ending its input).
        var healthy = Enumerable.Range(0, 5)
            .Select(i => ConsoleHostServeTests.ExchangeAsync(server, Encoding.UTF8.GetBytes($"id: ok-{i}\nid: ok-{i}-again\n"), 2))
            .ToList();
        var reset = await SendAndResetAsync(server, "gone-rst");
        var closed = await SendAndCloseUnreadAsync(server, "gone-unread");

        foreach (var (replies, i) in (await Task.WhenAll(healthy)).Select((r, i) => (r, i)))
        {
            Assert.Equal([$"result: ok-{i}", $"result: ok-{i}-again"], replies);
        }

        foreach (var endpoint in new[] { closed, reset })
        {
            await sample.WaitForLineAsync(
                l => l.Contains($"connection from {endpoint} closed: cancelled 1 in-flight request(s)", StringComparison.Ordinal),
                s_timeout);
        }

        // Their work stopped: the parse hop gave up waiting, or (queued behind another request) the message was
        // dropped to dead letters before it reached the hop.
        foreach (var id in new[] { "gone-rst", "gone-unread" })
        {
            await sample.WaitForLineAsync(
                l => (l.Contains($"request-id:{id} ", StringComparison.Ordinal) && l.Contains("hop parse gave up", StringComparison.Ordinal))
                    || (l.Contains($"Payload = id: {id},", StringComparison.Ordinal) && l.Contains("was not delivered", StringComparison.Ordinal)),
                s_timeout);
        }

        // Still serving after the cancellations.
        Assert.Equal(["result: after-gone"], await ConsoleHostServeTests.ExchangeAsync(server, "id: after-gone\n"u8.ToArray(), 1));
    }

    /// <summary>Sends one request and resets the connection at once; returns the client's endpoint as the server sees it.</summary>
    private static async Task<string> SendAndResetAsync(IPEndPoint server, string id)
    {
        using var client = await ConsoleHostServeTests.ConnectAsync(server);
        var endpoint = client.Client.LocalEndPoint!.ToString()!;
        await client.GetStream().WriteAsync(Encoding.UTF8.GetBytes($"id: {id}\n"));
        client.Client.Close(0);
        return endpoint;
    }

    /// <summary>
    /// Sends a line answered at once (an invalid ID) and a real request, waits until the first reply has arrived, then
    /// closes the socket normally without reading it: with data unread, the client's system resets the connection.
    /// </summary>
    private static async Task<string> SendAndCloseUnreadAsync(IPEndPoint server, string id)
    {
        using var client = await ConsoleHostServeTests.ConnectAsync(server);
        var endpoint = client.Client.LocalEndPoint!.ToString()!;
        await client.GetStream().WriteAsync(Encoding.UTF8.GetBytes($"id: bad id!\nid: {id}\n"));
        // Polled, not awaited: .NET shuts a socket down (a clean FIN) when it is closed while an operation still holds it.
        Assert.True(client.Client.Poll(s_timeout, SelectMode.SelectRead), "no reply to the invalid ID");
        client.Client.Close();
        return endpoint;
    }
}
