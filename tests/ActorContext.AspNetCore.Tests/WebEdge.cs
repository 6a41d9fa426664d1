using ActorContext.Hosting;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ActorContext.AspNetCore.Tests;

/// <summary>
/// A real web application under test: Kestrel on a free 127.0.0.1 port, Akka.Hosting with <c>WithMessageContext()</c>,
/// Akka's and ASP.NET Core's log lines captured with the context's entries as scopes, and
/// <c>UseMessageContext</c> in front of the endpoints the test maps.
/// </summary>
internal sealed class WebEdge : IAsyncDisposable
{
    /// <summary>The request ID var the tests' edges use; its name is the log scope's key.</summary>
    public static readonly ContextVar<string> RequestId = new("request-id");

    private readonly WebApplication _app;

    private WebEdge(WebApplication app, CapturingLoggerProvider logs, Uri address, HttpClient client)
    {
        _app = app;
        Logs = logs;
        Address = address;
        Client = client;
    }

    public CapturingLoggerProvider Logs { get; }

    /// <summary>Where Kestrel listens, read from <see cref="IServerAddressesFeature"/>.</summary>
    public Uri Address { get; }

    /// <summary>A client for <see cref="Address"/>.</summary>
    public HttpClient Client { get; }

    public ActorSystem System => _app.Services.GetRequiredService<ActorSystem>();

    /// <summary>Starts the application.</summary>
    /// <param name="configure">The middleware's options; <see cref="RequestId"/> is set before this runs.</param>
    /// <param name="map">Maps the endpoints (the actor system exists once the host has started; resolve it per request).</param>
    /// <param name="handler">The client's handler settings, if the test needs any.</param>
    public static async Task<WebEdge> StartAsync(
        Action<MessageContextHttpOptions>? configure,
        Action<WebApplication> map,
        Action<SocketsHttpHandler>? handler = null)
    {
        var logs = new CapturingLoggerProvider();
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Logging.SetMinimumLevel(LogLevel.Debug);
        builder.Logging.AddProvider(logs);
        builder.Logging.AddMessageContext();
        builder.Services.AddAkka("web-edge", akka => akka
            .WithMessageContext()
            .ConfigureLoggers(l =>
            {
                l.LogLevel = global::Akka.Event.LogLevel.InfoLevel;
                l.LogConfigOnStart = false;
                l.ClearLoggers();
                l.AddLoggerFactory();
            }));

        var app = builder.Build();
        app.UseMessageContext(o =>
        {
            o.RequestId = RequestId;
            configure?.Invoke(o);
        });
        map(app);
        await app.StartAsync();

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        var sockets = new SocketsHttpHandler();
        handler?.Invoke(sockets);
        var client = new HttpClient(sockets) { BaseAddress = new Uri(address), Timeout = TimeSpan.FromSeconds(60) };
        return new WebEdge(app, logs, new Uri(address), client);
    }

    /// <summary>Sends a GET with the given headers.</summary>
    public Task<HttpResponseMessage> GetAsync(string path, IEnumerable<(string Name, string Value)> headers, CancellationToken cancellationToken = default)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        foreach (var (name, value) in headers)
        {
            Assert.True(request.Headers.TryAddWithoutValidation(name, value), $"the client refused header {name}");
        }

        return Client.SendAsync(request, cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
