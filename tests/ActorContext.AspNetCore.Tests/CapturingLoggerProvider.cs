using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace ActorContext.AspNetCore.Tests;

/// <summary>One captured log line: its category, level, text, exception and the scope properties it was logged with.</summary>
internal sealed record LogLine(string Category, LogLevel Level, string Message, Exception? Exception, IReadOnlyDictionary<string, object?> Scopes)
{
    public string? Scope(string name) => Scopes.TryGetValue(name, out var value) ? value?.ToString() : null;
}

/// <summary>Records every line with the scope properties the logger factory's scope provider gives it at log time.</summary>
internal sealed class CapturingLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private readonly ConcurrentQueue<LogLine> _lines = new();
    private IExternalScopeProvider? _scopes;

    public IReadOnlyList<LogLine> Lines => [.. _lines];

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    /// <summary>Waits until <paramref name="done"/> holds for the lines logged so far; the lines then.</summary>
    public Task<IReadOnlyList<LogLine>> WaitForAsync(Func<IReadOnlyList<LogLine>, bool> done, string what) =>
        Wait.ForAsync(
            () => Lines,
            done,
            TimeSpan.FromSeconds(30),
            "a log that shows " + what,
            static lines => $"{lines.Count} lines:\n{string.Join('\n', lines.TakeLast(50).Select(l => $"{l.Category} {l.Message} [{string.Join(", ", l.Scopes)}]"))}");

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => owner._scopes?.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var scopes = new Dictionary<string, object?>();
            owner._scopes?.ForEachScope(
                static (scope, acc) =>
                {
                    if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
                    {
                        foreach (var pair in pairs)
                        {
                            acc[pair.Key] = pair.Value;
                        }
                    }
                },
                scopes);
            owner._lines.Enqueue(new LogLine(category, logLevel, formatter(state, exception), exception, scopes));
        }
    }
}
