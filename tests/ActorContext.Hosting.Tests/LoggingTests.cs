using System.Collections.Concurrent;
using ActorContext.Hosting;
using Akka.Actor;
using Akka.Event;
using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;

namespace ActorContext.Hosting.Tests;

public class LoggingTests
{
    private sealed record LogRecord(string Message, IReadOnlyDictionary<string, object?> ScopeValues);

    /// <summary>Records every line with the scope properties the factory's scope provider gave it at log time.</summary>
    private sealed class CapturingProvider : ILoggerProvider, ISupportExternalScope
    {
        private IExternalScopeProvider? _scopes;

        public ConcurrentQueue<LogRecord> Records { get; } = new();

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Dispose()
        {
        }

        private sealed class Logger(CapturingProvider owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => owner._scopes?.Push(state);

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var values = new Dictionary<string, object?>();
                owner._scopes?.ForEachScope(
                    (scope, acc) =>
                    {
                        if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
                        {
                            foreach (var pair in pairs)
                            {
                                acc[pair.Key] = pair.Value;
                            }
                        }
                    },
                    values);
                owner.Records.Enqueue(new LogRecord(formatter(state, exception), values));
            }
        }
    }

    private sealed record Work(string Text);

    private sealed class AkkaLogging : ReceiveActor
    {
        private readonly ILoggingAdapter _log = Context.GetLogger();

        public AkkaLogging()
        {
            Receive<Work>(w => _log.Info("sync {0}", w.Text));
            ReceiveAsync<string>(async text =>
            {
                await Task.Delay(10);
                _log.Info("after-await {0}", text);
                Sender.Tell("done");
            });
        }
    }

    private sealed class MelLogging : ReceiveActor
    {
        public MelLogging(ILogger logger) => Receive<Work>(w =>
        {
            logger.LogInformation("mel {Text}", w.Text);
            Sender.Tell("done");
        });
    }

    private static async Task<(IHost Host, CapturingProvider Logs)> StartAsync(
        Action<MessageContextLoggingOptions>? configure = null,
        ActivityTrackingOptions tracking = ActivityTrackingOptions.None)
    {
        var logs = new CapturingProvider();
        var host = await TestHosts.StartAsync(
            "logging",
            akka => akka
                .WithMessageContext()
                .ConfigureLoggers(l =>
                {
                    l.ClearLoggers();
                    l.AddLoggerFactory();
                }),
            builder =>
            {
                builder.Logging.Configure(o => o.ActivityTrackingOptions = tracking);
                builder.Logging.AddProvider(logs);
                builder.Logging.AddMessageContext(configure);
            });
        return (host, logs);
    }

    private static Task<T> InContext<T>(string id, Func<Task<T>> body)
    {
        var context = new MessageContext();
        return context.Run(() =>
        {
            ContextTestKit.RequestId.Set(id);
            ContextTestKit.Tenant.Set("acme");
            return body();
        });
    }

    private static async Task<LogRecord> WaitForAsync(CapturingProvider logs, string message) =>
        (await Wait.ForAsync(
            () => logs.Records.FirstOrDefault(r => r.Message.Contains(message, StringComparison.Ordinal)),
            static found => found is not null,
            Wait.DefaultTimeout,
            $"a log line containing '{message}'",
            _ => string.Join(" | ", logs.Records.Select(r => r.Message))))!;

    [Fact]
    public async Task AddMessageContext_AkkaLoggingAdapterInReceiveAndAfterAwait_LinesCarryTheMessagesContext()
    {
        var (host, logs) = await StartAsync();
        using var _ = host;
        var system = host.Services.GetRequiredService<ActorSystem>();
        var actor = system.ActorOf(Props.Create(() => new AkkaLogging()));

        await InContext("log-1", () =>
        {
            actor.Tell(new Work("w1"));
            return Task.FromResult(0);
        });
        await InContext("log-2", () => actor.Ask<string>("w2", TimeSpan.FromSeconds(5)));

        var sync = await WaitForAsync(logs, "sync w1");
        Assert.Equal("log-1", sync.ScopeValues["request-id"]);
        Assert.Equal("acme", sync.ScopeValues["tenant"]);
        var afterAwait = await WaitForAsync(logs, "after-await w2");
        Assert.Equal("log-2", afterAwait.ScopeValues["request-id"]);
        await host.StopAsync();
    }

    [Fact]
    public async Task AddMessageContext_WithActivityTracking_AkkaAndMelLinesInsideActorsCarryTheSendersTraceId()
    {
        var (host, logs) = await StartAsync(tracking: ActivityTrackingOptions.TraceId | ActivityTrackingOptions.SpanId | ActivityTrackingOptions.Baggage);
        using var _ = host;
        var system = host.Services.GetRequiredService<ActorSystem>();
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("actor");
        var akkaLogging = system.ActorOf(Props.Create(() => new AkkaLogging()));
        var melLogging = system.ActorOf(Props.Create(() => new MelLogging(logger)));
        var outer = System.Diagnostics.Activity.Current;

        // The edge's Activity has stopped by the time the lines are written: they still belong to its trace.
        var edge = new System.Diagnostics.Activity("edge").AddBaggage("user", "u-9").Start();
        await InContext("traced-1", () =>
        {
            akkaLogging.Tell(new Work("traced"));
            melLogging.Tell(new Work("traced"));
            return Task.FromResult(0);
        });
        edge.Stop();
        System.Diagnostics.Activity.Current = outer;

        foreach (var line in new[] { await WaitForAsync(logs, "sync traced"), await WaitForAsync(logs, "mel traced") })
        {
            Assert.Equal(edge.TraceId.ToHexString(), line.ScopeValues["TraceId"]);
            Assert.NotEqual(edge.SpanId.ToHexString(), line.ScopeValues["SpanId"]);
            Assert.Equal("u-9", line.ScopeValues["user"]);
            Assert.Equal("traced-1", line.ScopeValues["request-id"]);
        }

        akkaLogging.Tell(new Work("untraced"));
        Assert.False((await WaitForAsync(logs, "sync untraced")).ScopeValues.ContainsKey("TraceId"));
        await host.StopAsync();
    }

    [Fact]
    public async Task AddMessageContext_MelLoggerInsideActor_SeesTheMessagesContextAsScope()
    {
        var (host, logs) = await StartAsync();
        using var _ = host;
        var system = host.Services.GetRequiredService<ActorSystem>();
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("actor");
        var actor = system.ActorOf(Props.Create(() => new MelLogging(logger)));

        await InContext("mel-1", () => actor.Ask<string>(new Work("x"), TimeSpan.FromSeconds(5)));
        actor.Tell(new Work("no-context"));

        Assert.Equal("mel-1", (await WaitForAsync(logs, "mel x")).ScopeValues["request-id"]);
        Assert.False((await WaitForAsync(logs, "mel no-context")).ScopeValues.ContainsKey("request-id"));
        await host.StopAsync();
    }

    [Fact]
    public async Task AddMessageContext_IncludedAndExcludedNames_OnlyChosenEntriesAppear()
    {
        var (host, logs) = await StartAsync(o =>
        {
            o.IncludedNames.Add("request-id");
            o.IncludedNames.Add("tenant");
            o.ExcludedNames.Add("tenant");
        });
        using var _ = host;
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("edge");

        await InContext("inc-1", () =>
        {
            RequestContext.Set("secret", "s3cr3t");
            logger.LogInformation("edge line");
            return Task.FromResult(0);
        });

        var line = await WaitForAsync(logs, "edge line");
        Assert.Equal("inc-1", line.ScopeValues["request-id"]);
        Assert.False(line.ScopeValues.ContainsKey("tenant"));
        Assert.False(line.ScopeValues.ContainsKey("secret"));
        await host.StopAsync();
    }

    [Fact]
    public async Task AddMessageContext_FlowWithADeadline_DeadlineNotLoggedUnlessNamed()
    {
        var (host, logs) = await StartAsync();
        using var _ = host;
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("edge");

        await InContext("dl-1", () =>
        {
            FlowDeadline.WithTimeout(TimeSpan.FromSeconds(5));
            logger.LogInformation("deadline line");
            return Task.FromResult(0);
        });

        var line = await WaitForAsync(logs, "deadline line");
        Assert.Equal("dl-1", line.ScopeValues["request-id"]);
        Assert.DoesNotContain(line.ScopeValues.Keys, k => k.Contains("deadline", StringComparison.Ordinal));
        await host.StopAsync();
    }

    [Fact]
    public async Task AddMessageContext_BeginScopeStillWorks_AndNoContextAddsNothing()
    {
        var (host, logs) = await StartAsync();
        using var _ = host;
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger("edge");

        using (logger.BeginScope(new Dictionary<string, object?> { ["order"] = 7 }))
        {
            logger.LogInformation("scoped line");
        }

        var line = await WaitForAsync(logs, "scoped line");
        Assert.Equal(7, line.ScopeValues["order"]);
        Assert.False(line.ScopeValues.ContainsKey("request-id"));
        await host.StopAsync();
    }
}
