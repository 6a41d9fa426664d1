using System.Collections.Concurrent;
using Serilog.Core;
using Serilog.Events;

namespace ActorContext.Serilog.Tests;

/// <summary>Keeps every event a Serilog pipeline writes, as the sink received it (after enrichment).</summary>
internal sealed class CapturingSink : ILogEventSink
{
    private readonly ConcurrentQueue<LogEvent> _events = new();

    public IReadOnlyCollection<LogEvent> Events => _events;

    public void Emit(LogEvent logEvent) => _events.Enqueue(logEvent);

    /// <summary>The events whose rendered message contains <paramref name="text"/>.</summary>
    public LogEvent[] Containing(string text) =>
        _events.Where(e => e.RenderMessage().Contains(text, StringComparison.Ordinal)).ToArray();

    /// <summary>Waits (polling, up to 10 s) until <paramref name="count"/> events contain <paramref name="text"/>.</summary>
    public async Task<LogEvent[]> WaitForAsync(string text, int count = 1)
    {
        for (var i = 0; i < 400; i++)
        {
            var found = Containing(text);
            if (found.Length >= count)
            {
                return found;
            }

            await Task.Delay(25);
        }

        throw new Xunit.Sdk.XunitException(
            $"expected {count} event(s) containing '{text}', got {Containing(text).Length}; events: {string.Join(" | ", _events.Select(e => e.RenderMessage()))}");
    }
}
