using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace ActorContext.ConsoleHost.Server;

/// <summary>
/// One client connection of the line protocol: reads lines with a <see cref="PipeReader"/> (never more than one
/// line plus one read buffered), starts each request at once, and writes the replies in the order the lines came.
/// Every request runs inside the connection's cancellation scope (<see cref="FlowDeadline.WithCancellation"/>): when
/// the client goes away the scope is cancelled, so the work still in flight for it stops. Other connections are
/// unaffected, and a server shutdown (<see cref="StopReading"/>) cancels nothing.
/// </summary>
/// <remarks>
/// "Gone" means a reset or a failed write. The end of the client's input (it half-closed its side, as
/// <c>shutdown(SHUT_WR)</c> and <c>nc -N</c> do) is not: every line sent before it is answered, then the
/// connection closes. A client that closes its socket completely looks the same until a reply reaches it: its system
/// answers that reply with a reset (at once, if the client left replies unread), so the next write fails.
/// </remarks>
internal sealed class LineConnection
{
    /// <summary>The longest line, in bytes, without its line break.</summary>
    public const int MaxLineBytes = 4096;

    private static readonly TimeSpan s_lingerTimeout = TimeSpan.FromSeconds(2);
    private const int LingerMaxBytes = 1 << 20;

    private readonly Socket _socket;
    private readonly RequestEdge _edge;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopReading = new();
    private readonly Channel<Task<string>> _replies;
    private readonly int _clientPort;
    private readonly string _endpoint;
    private readonly MessageContext _flow = new();
    private readonly FlowCancellation _cancellation;
    private volatile bool _writeFailed;
    private int _pending;
    private int _cancelled;

    public LineConnection(Socket socket, RequestEdge edge, int maxInFlight, ILogger logger)
    {
        _socket = socket;
        _edge = edge;
        _logger = logger;
        _clientPort = (socket.RemoteEndPoint as IPEndPoint)?.Port ?? 0;
        _endpoint = socket.RemoteEndPoint?.ToString() ?? "unknown";
        // The connection's own context holds only its cancellation scope; each request starts from a copy of it.
        _cancellation = _flow.Run(FlowDeadline.WithCancellation);
        _replies = Channel.CreateBounded<Task<string>>(new BoundedChannelOptions(maxInFlight)
        {
            SingleReader = true,
            SingleWriter = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>Completes when every line read has been answered and the socket is closed; never faults.</summary>
    public Task Completion { get; private set; } = Task.CompletedTask;

    /// <summary>Starts serving the connection.</summary>
    public void Start() => Completion = Task.Run(RunAsync);

    /// <summary>Reads no further lines; requests already read are still answered, then the connection closes.</summary>
    public void StopReading()
    {
        try
        {
            _stopReading.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Closes the socket at once (shutdown took too long).</summary>
    public void Abort()
    {
        StopReading();
        _socket.Close(0);
    }

    private async Task RunAsync()
    {
        using var stream = new NetworkStream(_socket, ownsSocket: false);
        var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(bufferSize: 4096, leaveOpen: true));
        var writing = WriteRepliesAsync(stream);
        var tooLong = false;
        var clientGone = false;
        try
        {
            tooLong = await ReadLinesAsync(reader);
        }
        catch (Exception e) when (IsDisconnect(e))
        {
            clientGone = true;
            _logger.LogDebug("client {Port} went away while sending: {Reason}", _clientPort, e.Message);
        }
        catch (Exception e)
        {
            clientGone = true;
            _logger.LogError(e, "reading from client {Port} failed", _clientPort);
        }
        finally
        {
            _replies.Writer.TryComplete();
        }

        if (clientGone)
        {
            CancelInFlight(); // before awaiting the writer: it waits for these requests' answers
        }

        await writing;
        try
        {
            if (tooLong && !_writeFailed)
            {
                await LingerAsync(reader);
            }

            await reader.CompleteAsync();
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (Exception e) when (IsDisconnect(e))
        {
        }
        finally
        {
            _socket.Dispose();
            _stopReading.Dispose();
        }
    }

    /// <summary>
    /// Reads lines until the client's input ends, reading is stopped or a line is too long (then returns true); a reset
    /// surfaces as an exception.
    /// </summary>
    private async Task<bool> ReadLinesAsync(PipeReader reader)
    {
        long sequence = 0;
        while (true)
        {
            ReadResult result;
            try
            {
                result = await reader.ReadAsync(_stopReading.Token);
            }
            catch (OperationCanceledException)
            {
                return false;
            }

            var buffer = result.Buffer;
            while (TryTakeLine(ref buffer, out var line))
            {
                if (line.Length > MaxLineBytes)
                {
                    return await RejectTooLongAsync(reader, buffer);
                }

                await StartRequestAsync(line, sequence++);
            }

            // No line break in what is left. Beyond the limit (plus a possible '\r') it can never become a valid
            // line: answer now instead of buffering more.
            if (buffer.Length > MaxLineBytes + 1)
            {
                return await RejectTooLongAsync(reader, buffer);
            }

            if (result.IsCompleted || result.IsCanceled)
            {
                // The end of the client's input, not of the client: a last line without a line break is still a
                // request, and everything read is answered before the connection closes.
                var last = TrimCarriageReturn(buffer);
                if (last.Length > MaxLineBytes)
                {
                    return await RejectTooLongAsync(reader, buffer);
                }

                if (!last.IsEmpty)
                {
                    await StartRequestAsync(last, sequence++);
                }

                reader.AdvanceTo(buffer.End);
                _logger.LogDebug("client {Port} ended its input after {Lines} line(s)", _clientPort, sequence);
                return false;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private async Task StartRequestAsync(ReadOnlySequence<byte> line, long sequence)
    {
        // Started now, answered in order: the writer awaits the replies one by one. A full channel stops reading.
        Interlocked.Increment(ref _pending);
        var reply = _edge.HandleAsync(line.ToArray(), _clientPort, sequence, _flow.Copy());
        _ = reply.ContinueWith(static (_, state) => Interlocked.Decrement(ref ((LineConnection)state!)._pending), this, TaskScheduler.Default);
        await _replies.Writer.WriteAsync(reply);
    }

    /// <summary>The client went away: cancels the connection's scope, so its requests in flight stop (once).</summary>
    private void CancelInFlight()
    {
        if (Interlocked.Exchange(ref _cancelled, 1) != 0)
        {
            return;
        }

        var inFlight = Volatile.Read(ref _pending);
        _cancellation.Cancel();
        _logger.Log(
            inFlight > 0 ? LogLevel.Information : LogLevel.Debug,
            "connection from {Endpoint} closed: cancelled {InFlight} in-flight request(s)",
            _endpoint,
            inFlight);
    }

    private async Task<bool> RejectTooLongAsync(PipeReader reader, ReadOnlySequence<byte> buffer)
    {
        reader.AdvanceTo(buffer.End);
        _logger.LogDebug("client {Port} sent a line over {Max} bytes; closing", _clientPort, MaxLineBytes);
        await _replies.Writer.WriteAsync(Task.FromResult("error: line too long"));
        return true;
    }

    private async Task WriteRepliesAsync(Stream stream)
    {
        await foreach (var pending in _replies.Reader.ReadAllAsync())
        {
            var line = await pending; // RequestEdge.HandleAsync never throws
            if (_writeFailed)
            {
                continue; // still wait for the request, but the client is gone
            }

            try
            {
                await stream.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"));
            }
            catch (Exception e) when (IsDisconnect(e))
            {
                _writeFailed = true;
                StopReading();
                CancelInFlight();
                _logger.LogDebug("client {Port} went away before its reply: {Reason}", _clientPort, e.Message);
            }
        }
    }

    /// <summary>
    /// After the last reply of a rejected connection: closes our side, then discards what the client still sends for a
    /// short while, so the close is a clean FIN and the client reads the error instead of a connection reset.
    /// </summary>
    private async Task LingerAsync(PipeReader reader)
    {
        _socket.Shutdown(SocketShutdown.Send);
        using var timeout = new CancellationTokenSource(s_lingerTimeout);
        long discarded = 0;
        try
        {
            while (discarded < LingerMaxBytes)
            {
                var result = await reader.ReadAsync(timeout.Token);
                discarded += result.Buffer.Length;
                reader.AdvanceTo(result.Buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static bool TryTakeLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        var newline = buffer.PositionOf((byte)'\n');
        if (newline is null)
        {
            line = default;
            return false;
        }

        line = TrimCarriageReturn(buffer.Slice(0, newline.Value));
        buffer = buffer.Slice(buffer.GetPosition(1, newline.Value));
        return true;
    }

    private static ReadOnlySequence<byte> TrimCarriageReturn(ReadOnlySequence<byte> line) =>
        !line.IsEmpty && line.Slice(line.Length - 1).FirstSpan[0] == (byte)'\r' ? line.Slice(0, line.Length - 1) : line;

    private static bool IsDisconnect(Exception e) => e is IOException or SocketException or ObjectDisposedException;
}
