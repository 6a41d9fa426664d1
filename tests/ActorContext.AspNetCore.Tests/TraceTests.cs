using System.Diagnostics;
using Akka.Actor;
using Microsoft.AspNetCore.Builder;

namespace ActorContext.AspNetCore.Tests;

/// <summary>W3C trace context from the client reaches the actors through <c>Activity.Current</c>, with no extra code.</summary>
public sealed class TraceTests
{
    private sealed class TraceReporter : ReceiveActor
    {
        public TraceReporter() => Receive<string>(_ =>
            Sender.Tell($"{Activity.Current?.TraceId.ToHexString()} {Activity.Current?.GetBaggageItem("tenant")} {WebEdge.RequestId.Get(HopChain.Missing)}"));
    }

    [Fact]
    public async Task UseMessageContext_TraceparentAndBaggageFromTheClient_ActorsRunInTheClientsTrace()
    {
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        IActorRef? reporter = null;
        await using var edge = await WebEdge.StartAsync(
            null,
            app => app.MapGet("/trace", async () => await reporter!.Ask<string>("report", TimeSpan.FromSeconds(30))),
            handler: h => h.ActivityHeadersPropagator = null);   // send exactly the headers below
        reporter = edge.System.ActorOf(Props.Create(() => new TraceReporter()));

        using var response = await edge.GetAsync("/trace", [
            ("traceparent", $"00-{traceId}-00f067aa0ba902b7-01"),
            ("baggage", "tenant=acme"),
            (MessageContextHttpOptions.DefaultRequestIdHeader, "traced-1"),
        ]);

        response.EnsureSuccessStatusCode();
        Assert.Equal($"{traceId} acme traced-1", await response.Content.ReadAsStringAsync());
    }
}
