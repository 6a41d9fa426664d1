using ActorContext.Serilog;
using Serilog.Configuration;

namespace Serilog;

/// <summary>
/// <c>Enrich.FromMessageContext()</c>: the current ActorContext context's entries — a request ID, a tenant — on every
/// Serilog event.
/// </summary>
/// <remarks>
/// In the <c>Serilog</c> namespace, as Serilog's own and its enrichers' configuration methods are, so the usual
/// <c>using Serilog;</c> finds it.
/// </remarks>
/// <example>
/// <code>
/// Log.Logger = new LoggerConfiguration()
///     .Enrich.FromMessageContext(o => o.ExcludedNames.Add("auth-token"))
///     .WriteTo.Console(outputTemplate: "[{Level:u3}] {Properties} {Message:lj}{NewLine}")
///     .CreateLogger();
/// </code>
/// </example>
public static class MessageContextLoggerConfigurationExtensions
{
    /// <summary>Adds the current context's entries to every log event, as scalar properties named after the vars.</summary>
    /// <param name="enrich">The logger configuration's enrichment settings.</param>
    /// <param name="configure">Chooses which entries appear; all of the user's entries when omitted.</param>
    /// <returns>The logger configuration, to go on configuring.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="enrich"/> is null.</exception>
    /// <remarks>
    /// <para>
    /// Entries are added by var name (or <c>RequestContext</c> key) as <see cref="Events.ScalarValue"/>s — never
    /// destructured, so a value renders as its <c>ToString()</c> — unless the event already has a property of that name
    /// (from its message template, or an enricher that ran earlier). The library's own entries (a flow's deadline, the
    /// carried trace) never appear.
    /// </para>
    /// <para>
    /// The entries are those of the code that logged: Serilog used directly; Serilog as the
    /// Microsoft.Extensions.Logging provider (<c>AddSerilog</c>/<c>UseSerilog</c>), where <c>ILogger</c> lines inside
    /// actors carry the message's context; and, with <c>WithMessageContext()</c> on the actor system, lines logged with
    /// Akka's <c>ILoggingAdapter</c> (through Akka.Logger.Serilog or Akka.Hosting's logger factory) inside
    /// <c>Receive</c> or after an <c>await</c> in <c>ReceiveAsync</c>, although Akka writes them later on its logger actor.
    /// </para>
    /// <para>
    /// <c>AddMessageContext()</c> (ActorContext.Hosting) serves Microsoft.Extensions.Logging's own logger factory only;
    /// <c>services.AddSerilog(...)</c> and <c>UseSerilog(...)</c> replace that factory and Akka.Logger.Serilog writes to
    /// Serilog directly, so with them the entries reach Serilog events only through this enricher.
    /// </para>
    /// </remarks>
    public static LoggerConfiguration FromMessageContext(this LoggerEnrichmentConfiguration enrich, Action<MessageContextEnricherOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(enrich);
        var options = new MessageContextEnricherOptions();
        configure?.Invoke(options);
        return enrich.With(new MessageContextEnricher(options));
    }
}
