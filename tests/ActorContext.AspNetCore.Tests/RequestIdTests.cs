using System.Text;
using Akka.Actor;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ActorContext.AspNetCore.Tests;

/// <summary>The request ID: taken from the header or generated, set for the endpoint and every actor hop, echoed back.</summary>
public sealed class RequestIdTests
{
    private const string Header = MessageContextHttpOptions.DefaultRequestIdHeader;

    /// <summary>Starts an edge whose <c>/chain</c> endpoint Asks the three-hop chain with the flow's token.</summary>
    private static async Task<WebEdge> StartChainAsync(
        Action<MessageContextHttpOptions>? configure = null,
        Action<SocketsHttpHandler>? handler = null)
    {
        IActorRef? chain = null;
        var edge = await WebEdge.StartAsync(
            configure,
            app => app.MapGet("/chain", async () => await chain!.Ask<string>(new HopChain.Order(), TimeSpan.FromSeconds(30), FlowDeadline.Token)),
            handler);
        chain = HopChain.Start(edge.System);
        return edge;
    }

    private static string EchoedId(HttpResponseMessage response)
    {
        Assert.True(response.Headers.TryGetValues(Header, out var values), $"no {Header} in the response ({response.StatusCode})");
        return Assert.Single(values);
    }

    [Fact]
    public async Task UseMessageContext_200ConcurrentRequestsWithOwnIds_EachGetsItsOwnIdBackAndInEveryHopsLogLines()
    {
        await using var edge = await StartChainAsync();
        var ids = Enumerable.Range(0, 200).Select(i => $"client-{i:D3}-{Guid.NewGuid():N}").ToArray();

        var answers = await Task.WhenAll(ids.Select(async id =>
        {
            using var response = await edge.GetAsync("/chain", [(Header, id)]);
            response.EnsureSuccessStatusCode();
            return (Sent: id, Echoed: EchoedId(response), Body: await response.Content.ReadAsStringAsync());
        }));

        foreach (var (sent, echoed, body) in answers)
        {
            Assert.Equal(sent, echoed);
            Assert.Equal($"{sent},{sent},{sent}", body);
        }

        // Each hop's Akka log line carries the request ID as a scope, from the context of the message it handled.
        var hops = new[] { "hop ask", "hop tell", "hop pipe" };
        string? HopOf(LogLine line) => hops.FirstOrDefault(h => line.Message.EndsWith(h, StringComparison.Ordinal));
        var lines = await edge.Logs.WaitForAsync(l => l.Count(x => HopOf(x) is not null) >= ids.Length * hops.Length, "600 hop lines");
        var byId = lines.Where(l => HopOf(l) is not null).ToLookup(l => l.Scope("request-id") ?? HopChain.Missing);
        foreach (var id in ids)
        {
            Assert.Equal(["hop ask", "hop pipe", "hop tell"], byId[id].Select(HopOf).Order());
        }

        Assert.Equal(ids.Length * hops.Length, byId.Where(g => ids.Contains(g.Key)).Sum(g => g.Count()));
    }

    [Fact]
    public async Task UseMessageContext_RequestsWithoutTheHeader_GetDistinctGeneratedIdsSeenByEveryHop()
    {
        await using var edge = await StartChainAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 50).Select(async _ =>
        {
            using var response = await edge.GetAsync("/chain", []);
            response.EnsureSuccessStatusCode();
            return (Echoed: EchoedId(response), Body: await response.Content.ReadAsStringAsync());
        }));

        Assert.Equal(50, answers.Select(a => a.Echoed).Distinct().Count());
        foreach (var (echoed, body) in answers)
        {
            Assert.Matches("^[0-9a-f]{16}$", echoed);
            Assert.Equal($"{echoed},{echoed},{echoed}", body);
        }
    }

    public static TheoryData<string, string> HostileIds => new()
    {
        { "10 KB", new string('a', 10 * 1024) },
        { "one over the limit", new string('b', 129) },
        { "control characters", "abc\u0001def\u007f" },
        { "a tab", "abc\tdef" },
        { "spaces", "abc def" },
        { "non-ASCII", "caf\u00e9-\u4e2d\u6587" },
    };

    [Theory]
    [MemberData(nameof(HostileIds))]
    public async Task UseMessageContext_HostileHeader_GetsAGeneratedIdAnsweredNormallyAndLogged(string what, string hostile)
    {
        // Kestrel, as configured by default, hands every one of these to the application; HttpClient refuses to send
        // non-ASCII header values unless told how to encode them.
        await using var edge = await StartChainAsync(handler: h => h.RequestHeaderEncodingSelector = (_, _) => Encoding.UTF8);

        using var response = await edge.GetAsync("/chain", [(Header, hostile)]);

        Assert.True(response.IsSuccessStatusCode, $"{what}: {response.StatusCode}");
        var echoed = EchoedId(response);
        Assert.Matches("^[0-9a-f]{16}$", echoed);
        Assert.Equal($"{echoed},{echoed},{echoed}", await response.Content.ReadAsStringAsync());

        var warning = Assert.Single(edge.Logs.Lines, l => l.Level == LogLevel.Warning && l.Message.Contains($"using generated request ID {echoed}", StringComparison.Ordinal));
        Assert.StartsWith($"{Header} header refused (", warning.Message);
        Assert.DoesNotContain(hostile, warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UseMessageContext_LongestAcceptedId_IsKept()
    {
        await using var edge = await StartChainAsync();
        var longest = new string('z', 127) + "~";

        using var response = await edge.GetAsync("/chain", [(Header, longest)]);

        Assert.Equal(longest, EchoedId(response));
        Assert.Equal($"{longest},{longest},{longest}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task UseMessageContext_HeaderSentTwice_GetsAGeneratedId()
    {
        await using var edge = await StartChainAsync();
        var request = new HttpRequestMessage(HttpMethod.Get, "/chain");
        request.Headers.TryAddWithoutValidation(Header, ["first", "second"]);

        using var response = await edge.Client.SendAsync(request);

        Assert.Matches("^[0-9a-f]{16}$", EchoedId(response));
    }

    [Fact]
    public async Task UseMessageContext_OwnHeaderNameAndGenerator_AreUsed()
    {
        const string own = "X-Correlation-ID";
        var count = 0;
        await using var edge = await StartChainAsync(o =>
        {
            o.RequestIdHeader = own;
            o.GenerateRequestId = _ => $"gen-{Interlocked.Increment(ref count)}";
        });

        using var supplied = await edge.GetAsync("/chain", [(own, "mine-1"), (Header, "ignored")]);
        using var generated = await edge.GetAsync("/chain", []);

        Assert.Equal(["mine-1"], supplied.Headers.GetValues(own));
        Assert.Equal("mine-1,mine-1,mine-1", await supplied.Content.ReadAsStringAsync());
        Assert.False(supplied.Headers.Contains(Header));
        Assert.Equal(["gen-1"], generated.Headers.GetValues(own));
        Assert.Equal("gen-1,gen-1,gen-1", await generated.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task UseMessageContext_GeneratorMakesAnInvalidId_FailsTheRequestSayingWhichOption()
    {
        await using var edge = await StartChainAsync(o => o.GenerateRequestId = _ => "has space");

        using var response = await edge.GetAsync("/chain", []);

        Assert.Equal(System.Net.HttpStatusCode.InternalServerError, response.StatusCode);
        var lines = await edge.Logs.WaitForAsync(l => l.Any(x => x.Exception is not null), "the unhandled exception");
        var error = Assert.IsType<InvalidOperationException>(lines.First(l => l.Exception is not null).Exception);
        Assert.Contains("MessageContextHttpOptions.GenerateRequestId made an ID that is not valid: it has U+0020 at position 3", error.Message);
    }

    [Fact]
    public async Task UseMessageContext_EndpointThrowsBehindAnExceptionHandler_ErrorResponseStillEchoesTheId()
    {
        await using var edge = await WebEdge.StartAsync(
            null,
            app =>
            {
                app.UseExceptionHandler(e => e.Run(c => c.Response.WriteAsync("handled")));
                app.MapGet("/boom", string () => throw new InvalidOperationException("boom"));
            });

        using var response = await edge.GetAsync("/boom", [(Header, "err-1")]);

        Assert.Equal(System.Net.HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal("err-1", EchoedId(response));
    }
}
