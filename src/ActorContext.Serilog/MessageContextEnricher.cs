using System.Collections.Frozen;
using ActorContext.Infrastructure;
using Serilog.Core;
using Serilog.Events;

namespace ActorContext.Serilog;

/// <summary>Adds the current context's entries to a log event as scalar properties named after the vars.</summary>
/// <remarks>
/// Serilog runs enrichers inside the log call, so the entries are those of the code that logged. Akka.Logger.Serilog
/// writes later, on Akka's logger actor; the log event reaches that actor as a message, so propagation makes the
/// logging code's context current there again before this runs.
/// </remarks>
internal sealed class MessageContextEnricher : ILogEventEnricher
{
    private readonly FrozenSet<string> _included;
    private readonly FrozenSet<string> _excluded;

    public MessageContextEnricher(MessageContextEnricherOptions options)
    {
        // Copied: the options object may be changed (or shared) after the logger is built, and enrichers run on many
        // threads at once.
        _included = options.IncludedNames.ToFrozenSet(StringComparer.Ordinal);
        _excluded = options.ExcludedNames.ToFrozenSet(StringComparer.Ordinal);
    }

    public void Enrich(LogEvent logEvent, ILogEventPropertyFactory propertyFactory)
    {
        // The entries every surface shows: never the library's own (deadline, trace), forwarded ones as their wire value.
        foreach (var (key, scalar) in ContextEntries.Current())
        {
            var name = key.Name;
            if (_excluded.Contains(name) || (_included.Count > 0 && !_included.Contains(name)) || !LogEventProperty.IsValidName(name))
            {
                continue;
            }

            // A property the message template or an earlier enricher set wins, as with Enrich.FromLogContext().
            logEvent.AddPropertyIfAbsent(new LogEventProperty(name, new ScalarValue(scalar)));
        }
    }
}
