using System.Threading.Channels;

namespace ActorContext.Remote.Tests.Support;

/// <summary>What sinks and subscribers received, read by the test in order.</summary>
public sealed class Deliveries
{
    private readonly Channel<Delivered> _channel = Channel.CreateUnbounded<Delivered>();
    private readonly List<Delivered> _seen = [];

    public ChannelWriter<Delivered> Writer => _channel.Writer;

    /// <summary>Everything read so far, in arrival order.</summary>
    public IReadOnlyList<Delivered> Seen
    {
        get
        {
            lock (_seen)
            {
                return [.. _seen];
            }
        }
    }

    /// <summary>Reads deliveries until one matches; fails after <paramref name="timeout"/>.</summary>
    public async Task<Delivered> WaitForAsync(Func<Delivered, bool> match, TimeSpan timeout, string what)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var delivered = await _channel.Reader.ReadAsync(cancel.Token);
                lock (_seen)
                {
                    _seen.Add(delivered);
                }

                if (match(delivered))
                {
                    return delivered;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException(
                $"Timed out after {timeout.TotalSeconds} s waiting for: {what}. Received: [{string.Join("; ", Seen.Select(static d => $"{d.Message} read {d.Reading} on {d.Node}"))}]");
        }
    }

    /// <summary>Reads deliveries until everything read so far satisfies <paramref name="condition"/>.</summary>
    public async Task WaitUntilAsync(Func<IReadOnlyList<Delivered>, bool> condition, TimeSpan timeout, string what)
    {
        if (!condition(Drain()))
        {
            await WaitForAsync(_ => condition(Seen), timeout, what);
        }
    }

    /// <summary>Like <see cref="WaitForAsync"/>, but returns null when nothing matched in time.</summary>
    public async Task<Delivered?> TryWaitForAsync(Func<Delivered, bool> match, TimeSpan timeout)
    {
        try
        {
            return await WaitForAsync(match, timeout, string.Empty);
        }
        catch (TimeoutException)
        {
            return null;
        }
    }

    /// <summary>Reads whatever has arrived so far without waiting.</summary>
    public IReadOnlyList<Delivered> Drain()
    {
        while (_channel.Reader.TryRead(out var delivered))
        {
            lock (_seen)
            {
                _seen.Add(delivered);
            }
        }

        return Seen;
    }
}
