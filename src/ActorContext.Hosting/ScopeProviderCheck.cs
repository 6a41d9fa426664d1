using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ActorContext.Hosting;

/// <summary>
/// Warns once at host start when <c>AddMessageContext()</c> cannot work: the logger factory in use never asked for the
/// scope provider it registers.
/// </summary>
/// <remarks>
/// Microsoft.Extensions.Logging's own <see cref="LoggerFactory"/> takes the registered <see cref="IExternalScopeProvider"/>
/// when it is built. A factory that replaces it — Serilog.Extensions.Hosting's <c>AddSerilog(...)</c>/<c>UseSerilog(...)</c>
/// register one — never does, and every line then silently lacks the context's entries. The check resolves the
/// factory first, so "never asked" is known for certain by then, not guessed from timing.
/// </remarks>
internal sealed class ScopeProviderCheck(IServiceProvider services) : IHostedService
{
    private volatile bool _asked;

    /// <summary>Called by the scope provider's registration when a logger factory asks for it.</summary>
    public void MarkAsked() => _asked = true;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var factory = services.GetService<ILoggerFactory>();
        if (factory is not null && !_asked)
        {
            factory.CreateLogger(typeof(MessageContextLoggingExtensions).Namespace!).LogWarning(
                "AddMessageContext() has no effect: the logger factory in use ({LoggerFactory}) does not take Microsoft.Extensions.Logging's scope provider, so log lines carry no context entries. " +
                "With Serilog (services.AddSerilog/UseSerilog), add Enrich.FromMessageContext() from the ActorContext.Serilog package to the Serilog configuration and remove AddMessageContext().",
                factory.GetType().FullName);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
