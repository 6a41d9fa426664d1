using System.Collections;
using Microsoft.Extensions.Logging;

namespace ActorContext.Hosting;

/// <summary>
/// The logger factory's scope provider: every log line gets the current context's entries as its outermost scope,
/// then the usual <c>BeginScope</c> scopes.
/// </summary>
/// <remarks>
/// Providers read scopes while the log call runs (the console logger formats before queueing), so the entries are
/// those of the code that logged. Lines logged through Akka's <c>ILoggingAdapter</c> are written later by the
/// logger actor; that actor receives the log event as a message, so propagation makes the logging actor's context
/// current again while the line is written — captured at the log call, not at write time.
/// </remarks>
internal sealed class MessageContextScopeProvider(MessageContextLoggingOptions options) : IExternalScopeProvider
{
    private readonly LoggerExternalScopeProvider _scopes = new();

    public void ForEachScope<TState>(Action<object?, TState> callback, TState state)
    {
        var entries = ContextLogScope.Capture(options);
        if (entries is not null)
        {
            callback(entries, state);
        }

        _scopes.ForEachScope(callback, state);
    }

    public IDisposable Push(object? state) => _scopes.Push(state);

    /// <summary>Context entries as structured scope properties; prints as <c>request-id:r-1, tenant:acme</c>.</summary>
    private sealed class ContextLogScope(KeyValuePair<string, object?>[] entries) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public static ContextLogScope? Capture(MessageContextLoggingOptions options)
        {
            var snapshot = ContextSnapshot.Current;
            if (snapshot is null || snapshot.IsEmpty)
            {
                return null;
            }

            // The deadline and the trace travel as context entries too; they are not values for logs unless asked for
            // by name (trace ids reach log scopes through Microsoft.Extensions.Logging's ActivityTrackingOptions).
            var selected = snapshot.Entries()
                .Where(e => options.Includes(e.Key.Name)
                    && ((!ReferenceEquals(e.Key, FlowDeadline.Current) && !ReferenceEquals(e.Key, TraceCarrier.Var))
                        || options.IncludedNames.Contains(e.Key.Name)))
                .Select(static e => new KeyValuePair<string, object?>(e.Key.Name, e.Value))
                .ToArray();
            return selected.Length == 0 ? null : new ContextLogScope(selected);
        }

        public int Count => entries.Length;

        public KeyValuePair<string, object?> this[int index] => entries[index];

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)entries).GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => string.Join(", ", entries.Select(static e => $"{e.Key}:{e.Value}"));
    }
}
