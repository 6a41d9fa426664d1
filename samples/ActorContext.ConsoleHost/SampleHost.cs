using System.Net.Sockets;
using ActorContext.ConsoleHost.Demo;
using ActorContext.ConsoleHost.Pipeline;
using ActorContext.ConsoleHost.Server;
using ActorContext.Hosting;
using Akka.Actor;
using Akka.Hosting;
using Akka.Logger.Serilog;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Events;

namespace ActorContext.ConsoleHost;

/// <summary>Builds the Generic Host (Akka.Hosting + the TCP line server) and runs the self-test or serves.</summary>
internal static class SampleHost
{
    /// <summary>The setting (under <see cref="SampleOptions.Section"/>) that <c>--serilog</c> sets.</summary>
    public const string SerilogKey = "Serilog";

    /// <summary>Runs the sample; returns the process exit code.</summary>
    /// <param name="overrides">Settings from the command line, e.g. <c>ConsoleHost:Serve = True</c>.</param>
    /// <param name="cancellationToken">Stops serving.</param>
    public static async Task<int> RunAsync(IReadOnlyDictionary<string, string?> overrides, CancellationToken cancellationToken)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = [],
            ContentRootPath = AppContext.BaseDirectory, // appsettings.json sits next to the dll
        });
        builder.Configuration.AddInMemoryCollection(overrides);

        var options = builder.Configuration.GetSection(SampleOptions.Section).Get<SampleOptions>() ?? new SampleOptions();
        try
        {
            options.Validate();
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync(e.Message);
            return 2;
        }

        var serilog = builder.Configuration.GetValue<bool>($"{SampleOptions.Section}:{SerilogKey}");
        builder.Logging.ClearProviders();
        if (serilog)
        {
            // AddSerilog replaces the logger factory, so no scope provider is read: the enricher adds the request ID to
            // every event, Akka's lines (Akka.Logger.Serilog, below) included.
            // The same levels as the console logger's: appsettings.json, --log-level and --hop-log-level.
            var configuration = builder.Configuration;
            builder.Services.AddSerilog(serilogConfig => serilogConfig
                .MinimumLevel.Is(SerilogLevel(configuration["Logging:LogLevel:Default"], LogEventLevel.Information))
                .MinimumLevel.Override("Microsoft", SerilogLevel(configuration["Logging:LogLevel:Microsoft"], LogEventLevel.Warning))
                .MinimumLevel.Override("Microsoft.Hosting.Lifetime", SerilogLevel(configuration["Logging:LogLevel:Microsoft.Hosting.Lifetime"], LogEventLevel.Information))
                .MinimumLevel.Override("Akka", SerilogLevel(configuration["Logging:LogLevel:Akka"], SerilogLevel(configuration["Logging:LogLevel:Default"], LogEventLevel.Information)))
                .MinimumLevel.Override(typeof(RequestEdge).FullName!, SerilogLevel(configuration[$"Logging:LogLevel:{typeof(RequestEdge).FullName}"], SerilogLevel(configuration["Logging:LogLevel:Default"], LogEventLevel.Information)))
                .Enrich.FromMessageContext()
                .WriteTo.Console(outputTemplate: "[{Level:u3}] {SourceContext} {Message:lj} {Properties}{NewLine}{Exception}"));
        }
        else
        {
            builder.Logging.AddSimpleConsole(o =>
            {
                o.IncludeScopes = true;   // the request ID arrives as a scope …
                o.SingleLine = true;
            });
            builder.Logging.AddMessageContext(); // … from the current context, also for Akka's ILoggingAdapter
        }

        if (!options.Serve)
        {
            builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);
        }

        var journal = new RequestJournal(enabled: !options.Serve);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton(journal);
        builder.Services.AddSingleton<LogBacklog>();
        builder.Services.AddSingleton<RequestEdge>();
        builder.Services.AddAkka("console-host", (akka, services) => ConfigureAkka(akka, options, services.GetRequiredService<ILoggerFactory>(), serilog));
        builder.Services.AddSingleton<LineServer>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<LineServer>()); // after AddAkka: starts after it, stops before it

        using var host = builder.Build();
        try
        {
            await host.StartAsync(cancellationToken);
        }
        catch (SocketException e)
        {
            await Console.Error.WriteLineAsync($"cannot listen on 127.0.0.1:{options.Port}: {e.Message}");
            return 1;
        }

        if (options.Serve)
        {
            await host.WaitForShutdownAsync(cancellationToken); // Ctrl+C / SIGTERM → CoordinatedShutdown
            return 0;
        }

        var endpoint = host.Services.GetRequiredService<LineServer>().Endpoint;
        var timeout = TimeSpan.FromMilliseconds(options.RequestTimeoutMs + 5_000);
        var results = await SelfTest.RunAsync(endpoint, options.Requests, journal, timeout);
        await host.StopAsync(CancellationToken.None);
        host.Dispose(); // flushes the console logger, so the table comes after the last hop line
        return SelfTest.Report(results, Console.Out);
    }

    private static void ConfigureAkka(AkkaConfigurationBuilder akka, SampleOptions options, ILoggerFactory loggerFactory, bool serilog)
    {
        var delay = new HopDelay(options.MinDelayMs, options.MaxDelayMs);
        var askTimeout = TimeSpan.FromMilliseconds(options.RequestTimeoutMs);
        var drainTimeout = options.RequestTimeoutMs + 5_000;

        akka.WithMessageContext()
            .AddHocon(
                $"akka.coordinated-shutdown.phases.service-requests-done.timeout = {drainTimeout}ms",
                HoconAddMode.Prepend)
            .ConfigureLoggers(loggers =>
            {
                loggers.LogLevel = AkkaLevel(loggerFactory);
                loggers.LogConfigOnStart = false;
                loggers.ClearLoggers();
                if (serilog)
                {
                    loggers.AddSerilogLogging(); // Akka.Logger.Serilog: Akka's log lines go to Serilog's Log.Logger
                }
                else
                {
                    loggers.AddLoggerFactory(); // Akka's log lines go through Microsoft.Extensions.Logging
                }
            })
            .WithActors((system, registry) =>
            {
                var reply = system.ActorOf(Props.Create(() => new ReplyActor()), "reply");
                var timer = system.ActorOf(Props.Create(() => new TimerActor(reply, delay)), "timer");
                var directory = system.ActorOf(Props.Create(() => new DirectoryActor(delay)), "directory");
                var enrich = system.ActorOf(Props.Create(() => new EnrichActor(directory, timer, askTimeout)), "enrich");
                var parse = system.ActorOf(Props.Create(() => new ParseActor(enrich, delay)), "parse");
                registry.Register<ParseActor>(parse);
            });
    }

    /// <summary>A Microsoft.Extensions.Logging level setting as Serilog's, or <paramref name="fallback"/> when unset.</summary>
    private static LogEventLevel SerilogLevel(string? setting, LogEventLevel fallback) =>
        Enum.TryParse<LogLevel>(setting, ignoreCase: true, out var level)
            ? level switch
            {
                LogLevel.Trace => LogEventLevel.Verbose,
                LogLevel.Debug => LogEventLevel.Debug,
                LogLevel.Information => LogEventLevel.Information,
                LogLevel.Warning => LogEventLevel.Warning,
                LogLevel.Error => LogEventLevel.Error,
                _ => LogEventLevel.Fatal,
            }
            : fallback;

    /// <summary>
    /// Akka's own level, taken from the Microsoft.Extensions.Logging rules for its category (appsettings.json,
    /// environment, <c>--log-level</c>, <c>--hop-log-level</c>): a line filtered there is never built on Akka's side.
    /// </summary>
    private static global::Akka.Event.LogLevel AkkaLevel(ILoggerFactory loggerFactory)
    {
        var akka = loggerFactory.CreateLogger(typeof(ActorSystem).FullName!);
        return akka.IsEnabled(LogLevel.Debug) ? global::Akka.Event.LogLevel.DebugLevel
            : akka.IsEnabled(LogLevel.Information) ? global::Akka.Event.LogLevel.InfoLevel
            : akka.IsEnabled(LogLevel.Warning) ? global::Akka.Event.LogLevel.WarningLevel
            : global::Akka.Event.LogLevel.ErrorLevel;
    }
}
