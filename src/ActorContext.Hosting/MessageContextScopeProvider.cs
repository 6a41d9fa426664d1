using System.Collections;
using System.Diagnostics;
using CurrentEntries = ActorContext.Infrastructure.ContextEntries;
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
/// current again while the line is written — captured at the log call, not at write time. The same goes for the
/// trace: a logger factory that has its own scope provider ignores <see cref="LoggerFactoryOptions.ActivityTrackingOptions"/>,
/// so this one adds the Activity's ids (and tags and baggage, if asked for) as the factory would have.
/// </remarks>
internal sealed class MessageContextScopeProvider(MessageContextLoggingOptions options, ActivityTrackingOptions tracking) : IExternalScopeProvider
{
    private readonly LoggerExternalScopeProvider _scopes = new();

    public void ForEachScope<TState>(Action<object?, TState> callback, TState state)
    {
        if (tracking != ActivityTrackingOptions.None && Activity.Current is { } activity)
        {
            callback(LogScope.ActivityIds(activity, tracking), state);
            if ((tracking & ActivityTrackingOptions.Tags) != 0 && activity.TagObjects.Any())
            {
                callback(new LogScope([.. activity.TagObjects]), state);
            }

            if ((tracking & ActivityTrackingOptions.Baggage) != 0 && activity.Baggage.Any())
            {
                // As structured properties (string to object), like the context entries and the tags.
                callback(new LogScope([.. activity.Baggage.Select(static b => new KeyValuePair<string, object?>(b.Key, b.Value))]), state);
            }
        }

        var entries = LogScope.ContextEntries(options);
        if (entries is not null)
        {
            callback(entries, state);
        }

        _scopes.ForEachScope(callback, state);
    }

    public IDisposable Push(object? state) => _scopes.Push(state);

    /// <summary>Structured scope properties; prints as <c>request-id:r-1, tenant:acme</c>.</summary>
    private sealed class LogScope(KeyValuePair<string, object?>[] entries) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        /// <summary>The current context's entries that the options let into logs, or null when there are none.</summary>
        public static LogScope? ContextEntries(MessageContextLoggingOptions options)
        {
            // The library's own entries (the deadline, the trace) are never log values: trace ids reach log scopes through
            // Microsoft.Extensions.Logging's ActivityTrackingOptions.
            var selected = CurrentEntries.Current()
                .Where(e => options.Includes(e.Key.Name))
                .Select(static e => new KeyValuePair<string, object?>(e.Key.Name, e.Value))
                .ToArray();
            return selected.Length == 0 ? null : new LogScope(selected);
        }

        /// <summary>The ids <see cref="ActivityTrackingOptions"/> asks for, under the names the logger factory uses.</summary>
        public static LogScope ActivityIds(Activity activity, ActivityTrackingOptions tracking)
        {
            var items = new List<KeyValuePair<string, object?>>(5);
            var w3c = activity.IdFormat == ActivityIdFormat.W3C;
            if ((tracking & ActivityTrackingOptions.SpanId) != 0)
            {
                items.Add(new("SpanId", w3c ? activity.SpanId.ToHexString() : activity.Id));
            }

            if ((tracking & ActivityTrackingOptions.TraceId) != 0)
            {
                items.Add(new("TraceId", w3c ? activity.TraceId.ToHexString() : activity.RootId));
            }

            if ((tracking & ActivityTrackingOptions.ParentId) != 0)
            {
                items.Add(new("ParentId", w3c ? activity.ParentSpanId.ToHexString() : activity.ParentId));
            }

            if ((tracking & ActivityTrackingOptions.TraceState) != 0)
            {
                items.Add(new("TraceState", activity.TraceStateString));
            }

            if ((tracking & ActivityTrackingOptions.TraceFlags) != 0)
            {
                items.Add(new("TraceFlags", activity.ActivityTraceFlags));
            }

            return new LogScope([.. items]);
        }

        public int Count => entries.Length;

        public KeyValuePair<string, object?> this[int index] => entries[index];

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)entries).GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => string.Join(", ", entries.Select(static e => $"{e.Key}:{e.Value}"));
    }
}
