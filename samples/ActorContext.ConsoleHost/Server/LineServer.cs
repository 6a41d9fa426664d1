using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using ActorContext.ConsoleHost.Pipeline;
using Akka;
using Akka.Actor;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ActorContext.ConsoleHost.Server;

/// <summary>
/// The TCP side: listens on 127.0.0.1 only and serves each connection with a <see cref="LineConnection"/>.
/// Its shutdown is part of the actor system's <see cref="CoordinatedShutdown"/>: <c>service-unbind</c> stops
/// accepting and reading, <c>service-requests-done</c> waits until every request already read is answered, and only
/// then do the actors stop.
/// </summary>
internal sealed class LineServer(
    SampleOptions options,
    RequestEdge edge,
    LogBacklog logBacklog,
    IServiceProvider services,
    ILogger<LineServer> logger) : IHostedService
{
    private readonly ConcurrentDictionary<LineConnection, byte> _connections = new();
    private readonly CancellationTokenSource _stopAccepting = new();
    private readonly Lock _gate = new();
    private bool _stopping;
    private TcpListener? _listener;
    private Task _acceptLoop = Task.CompletedTask;
    private ActorSystem? _system;

    /// <summary>Where the server listens; set once started.</summary>
    public IPEndPoint Endpoint { get; private set; } = new(IPAddress.Loopback, 0);

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Registered after AddAkka, so the actor system is up by now.
        _system = services.GetRequiredService<ActorSystem>();
        edge.Attach(await services.GetRequiredService<IRequiredActor<ParseActor>>().GetAsync(cancellationToken));
        logBacklog.Attach(_system);

        _listener = new TcpListener(IPAddress.Loopback, options.Serve ? options.Port : 0);
        _listener.Start(backlog: 512);
        Endpoint = (IPEndPoint)_listener.LocalEndpoint;

        var shutdown = CoordinatedShutdown.Get(_system);
        shutdown.AddTask(CoordinatedShutdown.PhaseServiceUnbind, "line-server-unbind", () =>
        {
            StopAccepting();
            return Task.FromResult(Done.Instance);
        });
        shutdown.AddTask(CoordinatedShutdown.PhaseServiceRequestsDone, "line-server-drain", async () =>
        {
            await DrainAsync();
            return Done.Instance;
        });
        shutdown.AddTask(CoordinatedShutdown.PhaseServiceStop, "line-server-close", () =>
        {
            foreach (var connection in _connections.Keys)
            {
                connection.Abort(); // only those the drain gave up on
            }

            return Task.FromResult(Done.Instance);
        });

        _acceptLoop = AcceptLoopAsync(_listener);
        logger.LogInformation("serving on {Endpoint}", Endpoint);
    }

    /// <inheritdoc />
    /// <remarks>Runs the actor system's coordinated shutdown, whose phases drain this server before the actors stop.</remarks>
    public Task StopAsync(CancellationToken cancellationToken) =>
        _system is null ? Task.CompletedTask : CoordinatedShutdown.Get(_system).Run(CoordinatedShutdown.ClrExitReason.Instance);

    private async Task AcceptLoopAsync(TcpListener listener)
    {
        while (true)
        {
            Socket socket;
            try
            {
                socket = await listener.AcceptSocketAsync(_stopAccepting.Token);
            }
            catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException || _stopAccepting.IsCancellationRequested)
            {
                return;
            }
            catch (SocketException e)
            {
                logger.LogWarning("accept failed: {Reason}", e.Message);
                continue;
            }

            socket.NoDelay = true;
            var connection = new LineConnection(socket, edge, options.MaxInFlightPerConnection, logger);
            lock (_gate)
            {
                _connections[connection] = 0;
                if (_stopping)
                {
                    connection.StopReading();
                }
            }

            connection.Start();
            _ = connection.Completion.ContinueWith(
                (_, state) => _connections.TryRemove((LineConnection)state!, out byte _),
                connection,
                TaskScheduler.Default);
        }
    }

    private void StopAccepting()
    {
        lock (_gate)
        {
            _stopping = true;
            foreach (var connection in _connections.Keys)
            {
                connection.StopReading();
            }
        }

        _stopAccepting.Cancel();
        _listener?.Stop();
        logger.LogInformation(
            "stopped accepting; answering {Requests} request(s) in flight on {Connections} open connection(s)",
            edge.InFlight,
            _connections.Count);
    }

    private async Task DrainAsync()
    {
        await _acceptLoop;
        await Task.WhenAll(_connections.Keys.Select(c => c.Completion));
        logger.LogInformation("all requests answered");
    }
}
