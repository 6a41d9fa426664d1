// One request, one trace: the span that starts a request at the edge becomes the parent of every actor hop it
// causes (Ask, Tell, PipeTo), with no tracing code in the actors. Run: dotnet run --project samples/ActorContext.Tracing
using System.Diagnostics;
using ActorContext;
using ActorContext.Akka;
using ActorContext.OpenTelemetry;
using ActorContext.Tracing;
using Akka.Actor;
using Akka.Configuration;
using OpenTelemetry;
using OpenTelemetry.Trace;

var edge = new ActivitySource("Shop.Edge");
var finished = new List<Activity>();
using var tracing = Sdk.CreateTracerProviderBuilder()
    .AddSource("Shop.Edge")                   // the edge's own spans
    .AddActorContextInstrumentation()         // one span per actor hop
    .AddInMemoryExporter(finished)            // a real app would use AddOtlpExporter()
    .Build();

var system = ActorSystem.Create("shop", ConfigurationFactory.ParseString("akka.loglevel = WARNING").WithMessageContext());
var stock = system.ActorOf(Props.Create(() => new Stock()), "stock");
var shipping = system.ActorOf(Props.Create(() => new Shipping()), "shipping");
var orders = system.ActorOf(Props.Create(() => new Orders(stock, shipping)), "orders");

ActivityTraceId traceId;
using (var request = edge.StartActivity("POST /orders"))
using (Ids.RequestId.Set("r-1001"))
{
    traceId = request!.TraceId;
    Console.WriteLine($"edge      request-id={Ids.RequestId.Get()} trace={Activity.Current!.TraceId}");
    var shipped = await orders.Ask<Shipped>(new PlaceOrder("book"), TimeSpan.FromSeconds(10));
    Console.WriteLine($"edge      got {shipped}");
}

// A hop's span ends when its Receive returns, which can be just after the reply reached the edge.
var spans = await WaitForSpansAsync(finished, traceId, expected: 5);
await system.Terminate();

Console.WriteLine();
Console.WriteLine($"trace {traceId}: {spans.Count} spans");
Print(spans, spans.Single(s => s.ParentSpanId == default || s.Source.Name == "Shop.Edge"), indent: "");
return spans.Count == 5 && spans.All(s => s.TraceId == traceId) ? 0 : 1;

static void Print(List<Activity> spans, Activity span, string indent)
{
    var where = span.GetTagItem("akka.actor.path") is string path ? $"{path} [{span.GetTagItem("akka.hop")}]" : span.Source.Name;
    Console.WriteLine($"{indent}{span.DisplayName,-24} {where}");
    foreach (var child in spans.Where(s => s.ParentSpanId == span.SpanId).OrderBy(s => s.StartTimeUtc))
    {
        Print(spans, child, indent + "  ");
    }
}

static async Task<List<Activity>> WaitForSpansAsync(List<Activity> finished, ActivityTraceId traceId, int expected)
{
    for (var waited = 0; waited < 5_000; waited += 20)
    {
        lock (finished)
        {
            var spans = finished.Where(a => a.TraceId == traceId).ToList();
            if (spans.Count >= expected)
            {
                return spans;
            }
        }

        await Task.Delay(20);
    }

    lock (finished)
    {
        return finished.Where(a => a.TraceId == traceId).ToList();
    }
}
