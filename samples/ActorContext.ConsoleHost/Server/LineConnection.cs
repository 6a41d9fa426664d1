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
/// </summary>
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
    private volatile bool _writeFailed;

    public LineConnection(Socket socket, RequestEdge edge, int maxInFlight, ILogger logger)
    {
        _socket = socket;
        _edge = edge;
        _logger = logger;
        _clientPort = (socket.RemoteEndPoint as IPEndPoint)?.Port ?? 0;
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
        try
        {
            tooLong = await ReadLinesAsync(reader);
        }
        catch (Exception e) when (IsDisconnect(e))
        {
            _logger.LogDebug("client {Port} went away while sending: {Reason}", _clientPort, e.Message);
        }
        catch (Exception e)
        {
            _logger.LogError(e, "reading from client {Port} failed", _clientPort);
        }
        finally
        {
            _replies.Writer.TryComplete();
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

    /// <summary>Reads lines until the client closes, reading is stopped, or a line is too long (returns true).</summary>
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
                // The client closed its side: a last line without a line break is still a request.
                var last = TrimCarriageReturn(buffer);
                if (last.Length > MaxLineBytes)
                {
                    return await RejectTooLongAsync(reader, buffer);
                }

                if (!last.IsEmpty)
                {
                    await StartRequestAsync(last, sequence);
                }

                reader.AdvanceTo(buffer.End);
                return false;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }

    private async Task StartRequestAsync(ReadOnlySequence<byte> line, long sequence)
    {
        // Started now, answered in order: the writer awaits the replies one by one. A full channel stops reading.
        var reply = _edge.HandleAsync(line.ToArray(), _clientPort, sequence);
        await _replies.Writer.WriteAsync(reply);
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
