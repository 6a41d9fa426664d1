using ActorContext.Hosting;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog;

namespace ActorContext.Serilog.Tests;

/// <summary>
/// Serilog as the Microsoft.Extensions.Logging provider (<c>services.AddSerilog(...)</c>), Akka's lines through
/// Akka.Hosting's logger factory: <c>ILogger</c> at the edge and inside actors, and Akka's <c>ILoggingAdapter</c>.
/// </summary>
public sealed class MelProviderTests : IAsyncLifetime
{
    private readonly CapturingSink _sink = new();
    private IHost _host = null!;

    private ActorSystem System => _host.Services.GetRequiredService<ActorSystem>();

    private Microsoft.Extensions.Logging.ILogger Logger(string category) =>
        _host.Services.GetRequiredService<ILoggerFactory>().CreateLogger(category);

    public async Task InitializeAsync()
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        // A logger instance: Serilog's static Log.Logger stays untouched (the Akka.Logger.Serilog tests own it).
        builder.Services.AddSerilog(
            new LoggerConfiguration().Enrich.FromMessageContext(o => o.ExcludedNames.Add("auth-token")).WriteTo.Sink(_sink).CreateLogger(),
            dispose: true);
        builder.Services.AddAkka("serilog-mel", akka => akka
            .WithMessageContext()
            .ConfigureLoggers(l =>
            {
                l.ClearLoggers();
                l.AddLoggerFactory();
            }));
        _host = builder.Build();
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }

    [Fact]
    public async Task FromMessageContext_ILoggerAtTheEdgeAndInsideActors_LinesCarryTheRequestsContext()
    {
        var edge = Logger("edge");
        var actor = System.ActorOf(Props.Create(() => new MelLoggingActor(Logger("actor"))));

        await Vars.InRequest("mel-1", async () =>
        {
            Vars.AuthToken.Set("secret");
            edge.LogInformation("edge accepted [{Id}]", "mel-1");
            await actor.Ask<string>(new Work("mel-1"), TimeSpan.FromSeconds(10));
            await actor.Ask<string>(new AsyncWork("mel-1"), TimeSpan.FromSeconds(10));
        });

        foreach (var text in new[] { "edge accepted", "mel sync", "mel after await" })
        {
            var line = Assert.Single(await _sink.WaitForAsync(text));
            Assert.Equal("mel-1", line.Scalar("request-id"));
            Assert.Equal("acme", line.Scalar("tenant"));
            Assert.False(line.Properties.ContainsKey("auth-token"));
        }
    }

    [Fact]
    public async Task FromMessageContext_AkkaLoggingAdapterThroughTheLoggerFactory_LinesCarryTheLoggingMessagesContext()
    {
        var actor = System.ActorOf(Props.Create(() => new AkkaLoggingActor()));

        await Vars.InRequest("mel-2", () => actor.Ask<string>(new Work("mel-2"), TimeSpan.FromSeconds(10)));
        await Vars.InRequest("mel-3", () => actor.Ask<string>(new AsyncWork("mel-3"), TimeSpan.FromSeconds(10)));

        Assert.Equal("mel-2", Assert.Single(await _sink.WaitForAsync("akka sync")).Scalar("request-id"));
        Assert.Equal("mel-3", Assert.Single(await _sink.WaitForAsync("akka after await")).Scalar("request-id"));
    }

    [Fact]
    public async Task FromMessageContext_ConcurrentRequests_EachLineCarriesItsOwnRequestsId()
    {
        const int requests = 100;
        var actors = new[]
        {
            System.ActorOf(Props.Create(() => new AkkaLoggingActor())),
            System.ActorOf(Props.Create(() => new AkkaLoggingActor())),
            System.ActorOf(Props.Create(() => new MelLoggingActor(Logger("actor")))),
            System.ActorOf(Props.Create(() => new MelLoggingActor(Logger("actor")))),
        };

        await Lines.SendConcurrentAsync(requests, actors);

        var lines = new List<global::Serilog.Events.LogEvent>();
        foreach (var text in new[] { "akka sync", "akka after await", "mel sync", "mel after await" })
        {
            lines.AddRange(await _sink.WaitForAsync(text, 2 * requests));
        }

        Assert.Equal(8 * requests, lines.Count);
        Assert.All(lines, line => Assert.Equal(Lines.IdInText(line), line.Scalar("request-id")));
    }
}

/// <summary>
/// What a user who logs through Serilog but does not add the enricher gets: <c>AddMessageContext()</c> serves
/// Microsoft.Extensions.Logging's own logger factory only.
/// </summary>
public sealed class WithoutTheEnricherTests
{
    [Fact]
    public void AddMessageContextAlone_SerilogReplacesTheLoggerFactory_SerilogEventsCarryNoEntries()
    {
        var sink = new CapturingSink();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddMessageContext();
        builder.Services.AddSerilog(new LoggerConfiguration().WriteTo.Sink(sink).CreateLogger(), dispose: true);   // Serilog.Extensions.Hosting

        var line = LogAtTheEdge(builder, sink);

        Assert.False(line.Properties.ContainsKey("request-id"));
    }

    [Fact]
    public void AddMessageContextAlone_SerilogAsAProviderOfTheLoggerFactory_SerilogEventsCarryTheEntries()
    {
        var sink = new CapturingSink();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddMessageContext();
        builder.Logging.AddSerilog(new LoggerConfiguration().WriteTo.Sink(sink).CreateLogger(), dispose: true);   // Serilog.Extensions.Logging

        var line = LogAtTheEdge(builder, sink);

        Assert.Equal("edge-1", line.Scalar("request-id"));
    }

    [Fact]
    public async Task AddMessageContext_HostStartsWithALoggerFactoryThatIgnoresScopeProviders_WarnsOnceNamingTheEnricher()
    {
        var sink = new CapturingSink();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddMessageContext();
        builder.Logging.AddMessageContext();
        builder.Services.AddSerilog(new LoggerConfiguration().WriteTo.Sink(sink).CreateLogger(), dispose: true);
        using var host = builder.Build();

        await host.StartAsync();
        await host.StopAsync();

        var warning = Assert.Single(sink.Containing("AddMessageContext() has no effect"));
        Assert.Equal(global::Serilog.Events.LogEventLevel.Warning, warning.Level);
        Assert.Contains("Enrich.FromMessageContext()", warning.RenderMessage());
        Assert.Contains("SerilogLoggerFactory", warning.RenderMessage());
    }

    [Fact]
    public async Task AddMessageContext_HostStartsWithTheLoggerFactoryThatTakesIt_DoesNotWarn()
    {
        var sink = new CapturingSink();
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddMessageContext();
        builder.Logging.AddSerilog(new LoggerConfiguration().WriteTo.Sink(sink).CreateLogger(), dispose: true);
        using var host = builder.Build();

        await host.StartAsync();
        await host.StopAsync();

        Assert.Empty(sink.Containing("AddMessageContext() has no effect"));
    }

    private static global::Serilog.Events.LogEvent LogAtTheEdge(HostApplicationBuilder builder, CapturingSink sink)
    {
        using var host = builder.Build();
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("edge");

        Vars.InRequest("edge-1", () =>
        {
            logger.LogInformation("edge accepted");
            return 0;
        });

        return Assert.Single(sink.Containing("edge accepted"));
    }
}
