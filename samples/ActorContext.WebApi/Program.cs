using ActorContext;
using ActorContext.AspNetCore;
using ActorContext.Hosting;
using ActorContext.WebApi;
using ActorContext.WebApi.Shop;
using Akka.Actor;
using Akka.Hosting;

// A minimal API in front of three actors. UseMessageContext makes each HTTP request a flow: its X-Request-ID (or a
// generated one) is in RequestIds.Current for the endpoint and every actor hop, and comes back in the response;
// X-Request-Timeout: <ms> (at most 10 s, else 5 s) is the flow's deadline, answered 504 when it passes first.
var builder = WebApplication.CreateBuilder(args);
if (builder.Configuration["urls"] is null)
{
    builder.WebHost.UseUrls("http://127.0.0.1:5080"); // --urls (or ASPNETCORE_URLS) picks another address
}

builder.Logging.ClearProviders();
builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
builder.Logging.AddSimpleConsole(o =>
{
    o.IncludeScopes = true;   // the request ID arrives as a scope …
    o.SingleLine = true;
});
builder.Logging.AddMessageContext(); // … from the current context, also for Akka's ILoggingAdapter

builder.Services.AddAkka("webapi", akka => akka
    .WithMessageContext()
    .ConfigureLoggers(loggers =>
    {
        loggers.LogLevel = Akka.Event.LogLevel.InfoLevel;
        loggers.LogConfigOnStart = false;
        loggers.ClearLoggers();
        loggers.AddLoggerFactory(); // Akka's log lines go through Microsoft.Extensions.Logging
    })
    .WithActors((system, registry) =>
    {
        var stock = system.ActorOf(Props.Create(() => new Stock()), "stock");
        var shipping = system.ActorOf(Props.Create(() => new Shipping()), "shipping");
        registry.Register<Orders>(system.ActorOf(Props.Create(() => new Orders(stock, shipping)), "orders"));
    }));

var app = builder.Build();
app.UseMessageContext(o =>
{
    o.RequestId = RequestIds.Current;
    o.MaxTimeout = TimeSpan.FromSeconds(10);
    o.DefaultTimeout = TimeSpan.FromSeconds(5);
});

app.MapPost("/orders/{item}", async (string item, IRequiredActor<Orders> orders, ILoggerFactory loggers) =>
{
    loggers.CreateLogger("ActorContext.WebApi.Edge").LogInformation("hop edge ordering {Item}", item);
    var placed = await orders.ActorRef.Ask<OrderPlaced>(new PlaceOrder(item), FlowDeadline.Token);
    return Results.Ok(placed);
});

app.Run();
