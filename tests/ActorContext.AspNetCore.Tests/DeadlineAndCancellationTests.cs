using System.Globalization;
using System.Net;
using Akka.Actor;
using Akka.Event;
using Microsoft.AspNetCore.Builder;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace ActorContext.AspNetCore.Tests;

/// <summary>The flow's deadline (from <c>X-Request-Timeout</c>) and its cancellation when the client goes away.</summary>
public sealed class DeadlineAndCancellationTests
{
    private const string IdHeader = MessageContextHttpOptions.DefaultRequestIdHeader;
    private const string TimeoutHeader = MessageContextHttpOptions.DefaultTimeoutHeader;
    private static readonly TimeSpan s_wait = TimeSpan.FromSeconds(30);

    /// <summary>What the actors saw, each as the request ID read from their own context.</summary>
    private sealed class Signals
    {
        public TaskCompletionSource<string> Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<string> Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<string> Handled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource<object> DeadLettered { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private sealed record Hold;

    private sealed record Queued;

    private sealed record Block(Task Release);

    private static string Seen() => WebEdge.RequestId.Get(HopChain.Missing);

    /// <summary>Works until its flow's token fires — the deadline, or the client going away — and says so.</summary>
    private sealed class Holder : ReceiveActor
    {
        public Holder(Signals signals) => ReceiveAsync<Hold>(async _ =>
        {
            signals.Started.TrySetResult(Seen());
            try
            {
                await Task.Delay(Timeout.Infinite, FlowDeadline.Token);
            }
            catch (OperationCanceledException)
            {
                signals.Cancelled.TrySetResult(Seen());
            }
        });
    }

    /// <summary>Busy while a <see cref="Block"/> lasts, so a <see cref="Queued"/> sent meanwhile waits in its mailbox.</summary>
    private sealed class Gate : ReceiveActor
    {
        public Gate(Signals signals)
        {
            ReceiveAsync<Block>(block => block.Release);
            Receive<Queued>(_ => signals.Handled.TrySetResult(Seen()));
        }
    }

    private sealed class DeadLetterWatch : ReceiveActor
    {
        public DeadLetterWatch(Signals signals) => Receive<DeadLetter>(d =>
        {
            if (d.Message is Queued)
            {
                signals.DeadLettered.TrySetResult(d.Message);
            }
        });
    }

    [Fact]
    public async Task UseMessageContext_ClientDisconnectsMidRequest_InFlightActorWorkIsCancelledAndQueuedWorkDropped()
    {
        var signals = new Signals();
        IActorRef? holder = null, gate = null;
        await using var edge = await WebEdge.StartAsync(null, app => app.MapGet("/hold", async () =>
        {
            gate!.Tell(new Queued());
            return await holder!.Ask<string>(new Hold(), FlowDeadline.Token);
        }));
        holder = edge.System.ActorOf(Props.Create(() => new Holder(signals)));
        gate = edge.System.ActorOf(Props.Create(() => new Gate(signals)));
        edge.System.EventStream.Subscribe(edge.System.ActorOf(Props.Create(() => new DeadLetterWatch(signals))), typeof(DeadLetter));
        var release = new TaskCompletionSource();
        gate.Tell(new Block(release.Task));

        using var client = new CancellationTokenSource();
        var call = edge.GetAsync("/hold", [(IdHeader, "gone-1")], client.Token);
        Assert.Equal("gone-1", await signals.Started.Task.WaitAsync(s_wait));
        client.Cancel();   // the client gives up: HttpClient drops the connection

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        Assert.Equal("gone-1", await signals.Cancelled.Task.WaitAsync(s_wait));

        // The message sent before the client left reaches the gate only now, and is dropped instead of handled.
        release.SetResult();
        Assert.IsType<Queued>(await signals.DeadLettered.Task.WaitAsync(s_wait));
        Assert.False(signals.Handled.Task.IsCompleted);
        await edge.Logs.WaitForAsync(
            l => l.Any(x => x.Message == "Request gone-1 cancelled: the client went away"),
            "the middleware's line for the cancelled request");
    }

    /// <summary>An edge whose <c>/slow</c> endpoint Asks, with the flow's token, an actor that never answers (it waits for that token).</summary>
    private static async Task<WebEdge> StartSlowAsync(Action<MessageContextHttpOptions> configure)
    {
        IActorRef? holder = null;
        var edge = await WebEdge.StartAsync(configure, app => app.MapGet("/slow", async () => await holder!.Ask<string>(new Hold(), FlowDeadline.Token)));
        holder = edge.System.ActorOf(Props.Create(() => new Holder(new Signals())));
        return edge;
    }

    [Theory]
    [InlineData("50")]
    [InlineData("0")]
    public async Task UseMessageContext_DeadlineFromTheHeaderExpires_Answers504WithTheId(string timeout)
    {
        await using var edge = await StartSlowAsync(o => o.MaxTimeout = TimeSpan.FromSeconds(30));

        using var response = await edge.GetAsync("/slow", [(IdHeader, "late-1"), (TimeoutHeader, timeout)]);

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal(["late-1"], response.Headers.GetValues(IdHeader));
        Assert.Contains(edge.Logs.Lines, l => l.Message == $"Request late-1 overran its deadline ({timeout} ms): answering 504");
    }

    [Fact]
    public async Task UseMessageContext_DefaultTimeoutExpires_Answers504()
    {
        await using var edge = await StartSlowAsync(o => o.DefaultTimeout = TimeSpan.FromMilliseconds(50));

        using var response = await edge.GetAsync("/slow", [(IdHeader, "late-2")]);

        Assert.Equal(HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal(["late-2"], response.Headers.GetValues(IdHeader));
    }

    /// <summary>The flow's remaining budget as the endpoint sees it, in whole ms, or <c>none</c>.</summary>
    private static Task<WebEdge> StartRemainingAsync(Action<MessageContextHttpOptions> configure) =>
        WebEdge.StartAsync(configure, app => app.MapGet(
            "/remaining",
            () => FlowDeadline.Remaining is { } left ? ((long)left.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) : "none"));

    private static async Task<string> RemainingAsync(WebEdge edge, params (string, string)[] headers)
    {
        using var response = await edge.GetAsync("/remaining", headers);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task UseMessageContext_TimeoutAboveTheMaximum_IsCutToTheMaximum()
    {
        await using var edge = await StartRemainingAsync(o => o.MaxTimeout = TimeSpan.FromSeconds(2));

        var huge = await RemainingAsync(edge, (TimeoutHeader, "3600000"));
        var beyondLong = await RemainingAsync(edge, (TimeoutHeader, "99999999999999999999999999"));
        var within = await RemainingAsync(edge, (TimeoutHeader, "1500"));

        Assert.InRange(long.Parse(huge, CultureInfo.InvariantCulture), 0, 2000);
        Assert.InRange(long.Parse(beyondLong, CultureInfo.InvariantCulture), 0, 2000);
        Assert.InRange(long.Parse(within, CultureInfo.InvariantCulture), 0, 1500);
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("-5")]
    [InlineData("1.5")]
    [InlineData("")]
    public async Task UseMessageContext_InvalidTimeoutHeader_IsIgnoredAndLogged(string value)
    {
        await using var edge = await StartRemainingAsync(o => o.MaxTimeout = TimeSpan.FromSeconds(2));

        Assert.Equal("none", await RemainingAsync(edge, (IdHeader, "bad-timeout"), (TimeoutHeader, value)));
        Assert.Contains(edge.Logs.Lines, l => l.Level == LogLevel.Warning
            && l.Message.StartsWith($"{TimeoutHeader} header ignored (it is not a whole number of milliseconds", StringComparison.Ordinal)
            && l.Message.EndsWith("the request's budget is none", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UseMessageContext_InvalidTimeoutHeaderWithADefault_GetsTheDefault()
    {
        await using var edge = await StartRemainingAsync(o =>
        {
            o.MaxTimeout = TimeSpan.FromSeconds(30);
            o.DefaultTimeout = TimeSpan.FromSeconds(1);
        });

        Assert.InRange(long.Parse(await RemainingAsync(edge, (TimeoutHeader, "soon")), CultureInfo.InvariantCulture), 0, 1000);
        Assert.InRange(long.Parse(await RemainingAsync(edge), CultureInfo.InvariantCulture), 0, 1000);
    }

    [Fact]
    public async Task UseMessageContext_NoMaximumConfigured_TimeoutHeaderIsIgnored()
    {
        await using var edge = await StartRemainingAsync(_ => { });

        Assert.Equal("none", await RemainingAsync(edge, (TimeoutHeader, "50")));
    }
}
