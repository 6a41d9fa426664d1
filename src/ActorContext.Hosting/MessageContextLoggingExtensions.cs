using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ActorContext.Hosting;

/// <summary>Puts the current context's entries into every Microsoft.Extensions.Logging line as a scope.</summary>
/// <example>
/// <code>
/// builder.Logging.AddMessageContext(o => o.ExcludedNames.Add("auth-token"));
/// builder.Logging.AddSimpleConsole(o => o.IncludeScopes = true);
/// // [12:00:01 INF] => request-id:r-42 hop enrich done
/// </code>
/// </example>
/// <remarks>
/// Covers an <c>ILogger</c> used anywhere (inside actors too) and, with Akka.Hosting's logger
/// (<c>ConfigureLoggers(l => l.AddLoggerFactory())</c>) and <c>WithMessageContext()</c>, lines logged with Akka's
/// <c>ILoggingAdapter</c> inside <c>Receive</c> — also after awaits in <c>ReceiveAsync</c>. Entries are logged by var
/// name (or <c>RequestContext</c> key) as structured scope properties; providers that render scopes (console with
/// <c>IncludeScopes</c>, JSON console, Serilog added with <c>builder.Logging.AddSerilog()</c>, OpenTelemetry) show them.
/// Serilog.Extensions.Hosting's <c>services.AddSerilog(...)</c>/<c>UseSerilog(...)</c> replace the logger factory and
/// never ask this scope provider: use <c>Enrich.FromMessageContext()</c> from ActorContext.Serilog there.
/// </remarks>
public static class MessageContextLoggingExtensions
{
    /// <summary>Adds the context's entries to every log line's scopes.</summary>
    /// <param name="builder">The logging builder.</param>
    /// <param name="configure">Chooses which entries appear; all of them when omitted.</param>
    /// <returns>The same builder.</returns>
    /// <remarks>
    /// Registers the logger factory's <see cref="IExternalScopeProvider"/>; it replaces another one registered before.
    /// Calling it again replaces the options. The factory's <see cref="LoggerFactoryOptions.ActivityTrackingOptions"/>
    /// keep working (trace and span ids of <c>Activity.Current</c>, which propagation makes the sender's trace in
    /// actors, Akka's logger actor included). When a host starts with a logger factory that never takes the scope
    /// provider (Serilog.Extensions.Hosting's <c>AddSerilog(...)</c>/<c>UseSerilog(...)</c> replace the factory), a
    /// warning says so once.
    /// </remarks>
    public static ILoggingBuilder AddMessageContext(this ILoggingBuilder builder, Action<MessageContextLoggingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var options = new MessageContextLoggingOptions();
        configure?.Invoke(options);
        builder.Services.RemoveAll<IExternalScopeProvider>();
        builder.Services.AddSingleton<IExternalScopeProvider>(services =>
        {
            services.GetRequiredService<ScopeProviderCheck>().MarkAsked();
            return new MessageContextScopeProvider(
                options,
                services.GetService<IOptions<LoggerFactoryOptions>>()?.Value.ActivityTrackingOptions ?? ActivityTrackingOptions.None);
        });
        builder.Services.TryAddSingleton<ScopeProviderCheck>();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ScopeProviderCheck>(services => services.GetRequiredService<ScopeProviderCheck>()));
        return builder;
    }
}
