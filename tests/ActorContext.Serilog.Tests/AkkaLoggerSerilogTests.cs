using System.Diagnostics;
using ActorContext.Akka;
using Akka.Actor;
using Akka.Configuration;
using Serilog;

namespace ActorContext.Serilog.Tests;

/// <summary>Tests that set Serilog's static <c>Log.Logger</c>, which Akka.Logger.Serilog writes to: one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class StaticSerilogLogger
{
    public const string Name = "Serilog's static Log.Logger";
}

/// <summary>
/// Akka's <c>ILoggingAdapter</c> with Akka.Logger.Serilog as Akka's logger: lines are written later, on Akka's
/// logger actor, and must carry the context of the code that logged them.
/// </summary>
[Collection(StaticSerilogLogger.Name)]
public sealed class AkkaLoggerSerilogTests : IAsyncLifetime
{
    private const string Hocon = """
        akka.loglevel = INFO
        akka.stdout-loglevel = WARNING
        akka.loggers = ["Akka.Logger.Serilog.SerilogLogger, Akka.Logger.Serilog"]
        """;

    private readonly CapturingSink _sink = new();
    private readonly global::Serilog.ILogger _previous = Log.Logger;
    private ActorSystem _system = null!;

    public Task InitializeAsync()
    {
        Log.Logger = new LoggerConfiguration().Enrich.FromMessageContext(o => o.ExcludedNames.Add("auth-token")).WriteTo.Sink(_sink).CreateLogger();
        _system = ActorSystem.Create("serilog-akka", ConfigurationFactory.ParseString(Hocon).WithMessageContext());
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _system.Terminate();
        await Log.CloseAndFlushAsync();
        Log.Logger = _previous;
    }

    [Fact]
    public async Task FromMessageContext_AkkaLoggingAdapterInReceiveAndAfterAwait_LinesCarryTheLoggingMessagesContext()
    {
        var actor = _system.ActorOf(Props.Create(() => new AkkaLoggingActor()));

        await Vars.InRequest("akka-1", () => actor.Ask<string>(new Work("akka-1"), TimeSpan.FromSeconds(10)));
        await Vars.InRequest("akka-2", () =>
        {
            Vars.AuthToken.Set("secret");
            return actor.Ask<string>(new AsyncWork("akka-2"), TimeSpan.FromSeconds(10));
        });

        var sync = Assert.Single(await _sink.WaitForAsync("akka sync"));
        Assert.Equal("akka-1", sync.Scalar("request-id"));
        Assert.Equal("acme", sync.Scalar("tenant"));
        var afterAwait = Assert.Single(await _sink.WaitForAsync("akka after await"));
        Assert.Equal("akka-2", afterAwait.Scalar("request-id"));
        Assert.False(afterAwait.Properties.ContainsKey("auth-token"));
    }

    [Fact]
    public async Task FromMessageContext_LineLoggedWithNoContextRightAfterARequestsLine_CarriesNone()
    {
        var actor = _system.ActorOf(Props.Create(() => new AkkaLoggingActor()));

        var withContext = Vars.InRequest("akka-3", () => actor.Ask<string>(new Work("akka-3"), TimeSpan.FromSeconds(10)));
        var without = new MessageContext().Run(() => actor.Ask<string>(new Work("no-request"), TimeSpan.FromSeconds(10)));
        await Task.WhenAll(withContext, without);

        Assert.Equal("akka-3", Assert.Single(await _sink.WaitForAsync("akka-3")).Scalar("request-id"));
        var line = Assert.Single(await _sink.WaitForAsync("no-request"));
        Assert.DoesNotContain(line.Properties.Keys, k => k is "request-id" or "tenant");
    }

    [Fact]
    public async Task FromMessageContext_ConcurrentRequestsThroughSeveralActors_EachLineCarriesItsOwnRequestsId()
    {
        const int requests = 100;
        var actors = Enumerable.Range(0, 4).Select(_ => _system.ActorOf(Props.Create(() => new AkkaLoggingActor()))).ToArray();

        await Lines.SendConcurrentAsync(requests, actors);

        var lines = (await _sink.WaitForAsync("akka sync", requests * actors.Length))
            .Concat(await _sink.WaitForAsync("akka after await", requests * actors.Length))
            .ToArray();
        Assert.Equal(2 * requests * actors.Length, lines.Length);
        Assert.All(lines, line => Assert.Equal(Lines.IdInText(line), line.Scalar("request-id")));
    }

    [Fact]
    public async Task FromMessageContext_MessageSentUnderATraceAndADeadline_LineHasTheTraceIdButNoLibraryEntries()
    {
        var actor = _system.ActorOf(Props.Create(() => new AkkaLoggingActor()));
        var outer = Activity.Current;
        var edge = new Activity("edge").Start();
        Task<string> reply;
        try
        {
            reply = Vars.InRequest("traced-1", () =>
            {
                using var deadline = FlowDeadline.WithTimeout(TimeSpan.FromMinutes(1));
                return actor.Ask<string>(new Work("traced-1"), TimeSpan.FromSeconds(10));
            });
        }
        finally
        {
            edge.Stop();
            Activity.Current = outer;
        }

        await reply;

        var line = Assert.Single(await _sink.WaitForAsync("akka sync"));
        Assert.Equal("traced-1", line.Scalar("request-id"));
        Assert.Equal(edge.TraceId, line.TraceId);
        Assert.DoesNotContain(line.Properties.Keys, k => k.StartsWith("actor-context", StringComparison.Ordinal));
    }
}
