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

    /// <summary>Waits (up to 10 s) until <paramref name="count"/> events contain <paramref name="text"/>.</summary>
    public Task<LogEvent[]> WaitForAsync(string text, int count = 1) =>
        Wait.ForAsync(
            () => Containing(text),
            found => found.Length >= count,
            TimeSpan.FromSeconds(10),
            $"{count} event(s) containing '{text}'",
            found => $"{found.Length} such; events: {string.Join(" | ", _events.Select(e => e.RenderMessage()))}");
}
