using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using ActorContext.Samples.Tests;

namespace ActorContext.AspNetCore.Tests;

/// <summary>
/// The web sample: <c>dotnet run --project samples/ActorContext.WebApi</c>, here on a free port
/// (<c>--urls http://127.0.0.1:0</c>), driven over HTTP as a user would with curl.
/// </summary>
public partial class WebApiSampleTests
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);
    private static readonly string[] Hops = ["orders", "stock", "orders (piped)", "shipping"];

    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex Listening();

    [Fact]
    public async Task WebApi_PostOrders_EveryHopSawTheRequestIdWhichIsEchoedLoggedGeneratedOrTimedOut()
    {
        using var sample = SampleProcess.Start("ActorContext.WebApi.dll", ["--urls", "http://127.0.0.1:0"]);
        var address = Listening().Match(await sample.WaitForLineAsync(l => Listening().IsMatch(l), s_timeout)).Groups[1].Value;
        using var client = new HttpClient { BaseAddress = new Uri(address), Timeout = s_timeout };

        // The client's own ID: echoed, seen by every hop, and in every hop's log line as a scope.
        var (own, ownBody) = await PostAsync(client, "/orders/book", ("X-Request-ID", "sample-web-1"));
        Assert.Equal("sample-web-1", own);
        AssertEveryHopSaw(ownBody, "sample-web-1", "book");
        foreach (var hop in new[] { "hop edge ordering book", "hop orders placing book", "hop stock found book", "hop orders reserved book", "hop shipping sending book" })
        {
            await sample.WaitForLineAsync(l => l.Contains("request-id:sample-web-1 ", StringComparison.Ordinal) && l.Contains(hop, StringComparison.Ordinal), s_timeout);
        }

        // No header, or a hostile one: a generated ID, used the same way.
        var (generated, generatedBody) = await PostAsync(client, "/orders/pen");
        Assert.Matches("^[0-9a-f]{16}$", generated);
        AssertEveryHopSaw(generatedBody, generated, "pen");
        var (replaced, replacedBody) = await PostAsync(client, "/orders/ink", ("X-Request-ID", new string('x', 10_000)));
        Assert.Matches("^[0-9a-f]{16}$", replaced);
        AssertEveryHopSaw(replacedBody, replaced, "ink");

        // A budget shorter than the stock lookup: 504, with the ID.
        using var late = new HttpRequestMessage(HttpMethod.Post, "/orders/slow");
        late.Headers.Add("X-Request-ID", "sample-web-late");
        late.Headers.Add("X-Request-Timeout", "1");
        using var response = await client.SendAsync(late);
        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal(["sample-web-late"], response.Headers.GetValues("X-Request-ID"));
        await sample.WaitForLineAsync(l => l.Contains("Request sample-web-late overran its deadline (1 ms): answering 504", StringComparison.Ordinal), s_timeout);
    }

    private static async Task<(string Id, JsonElement Body)> PostAsync(HttpClient client, string path, params (string Name, string Value)[] headers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        foreach (var (name, value) in headers)
        {
            request.Headers.Add(name, value);
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path}: {response.StatusCode} {text}");
        return (Assert.Single(response.Headers.GetValues("X-Request-ID")), JsonDocument.Parse(text).RootElement.Clone());
    }

    private static void AssertEveryHopSaw(JsonElement body, string id, string item)
    {
        Assert.Equal(id, body.GetProperty("requestId").GetString());
        Assert.Equal(item, body.GetProperty("item").GetString());
        var hops = body.GetProperty("hops").EnumerateArray().ToArray();
        Assert.Equal(Hops, hops.Select(h => h.GetProperty("hop").GetString()));
        Assert.All(hops, h => Assert.Equal(id, h.GetProperty("saw").GetString()));
    }
}
