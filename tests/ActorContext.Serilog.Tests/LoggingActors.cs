using System.Text.RegularExpressions;
using Akka.Actor;
using Akka.Event;
using Microsoft.Extensions.Logging;
using LogEvent = Serilog.Events.LogEvent;

namespace ActorContext.Serilog.Tests;

/// <summary>A request to log; <see cref="Id"/> goes into the line's text so a test can tell which request logged it.</summary>
internal sealed record Work(string Id);

/// <summary>The same, handled by <c>ReceiveAsync</c>: logged after an await.</summary>
internal sealed record AsyncWork(string Id);

/// <summary>Logs with Akka's <see cref="ILoggingAdapter"/>: written later, on Akka's logger actor.</summary>
internal sealed class AkkaLoggingActor : ReceiveActor
{
    private readonly ILoggingAdapter _log = Context.GetLogger();

    public AkkaLoggingActor()
    {
        Receive<Work>(w =>
        {
            _log.Info("akka sync [{0}]", w.Id);
            Sender.Tell("done");
        });
        ReceiveAsync<AsyncWork>(async w =>
        {
            await Task.Delay(5);
            _log.Info("akka after await [{0}]", w.Id);
            Sender.Tell("done");
        });
    }
}

/// <summary>Logs with a Microsoft.Extensions.Logging <see cref="ILogger"/> inside an actor.</summary>
internal sealed class MelLoggingActor : ReceiveActor
{
    public MelLoggingActor(ILogger logger)
    {
        Receive<Work>(w =>
        {
            logger.LogInformation("mel sync [{Id}]", w.Id);
            Sender.Tell("done");
        });
        ReceiveAsync<AsyncWork>(async w =>
        {
            await Task.Delay(5);
            logger.LogInformation("mel after await [{Id}]", w.Id);
            Sender.Tell("done");
        });
    }
}

internal static partial class Lines
{
    [GeneratedRegex(@"\[""?([^\]""]+)""?\]")]
    private static partial Regex Bracketed();

    /// <summary>The request ID a line names in its text, between brackets (Serilog may quote it).</summary>
    public static string IdInText(LogEvent logEvent) => Bracketed().Match(logEvent.RenderMessage()).Groups[1].Value;

    /// <summary>
    /// Sends <paramref name="requests"/> concurrent requests, each in its own context, as <see cref="Work"/> and
    /// <see cref="AsyncWork"/> to every actor, and waits for every reply.
    /// </summary>
    public static Task SendConcurrentAsync(int requests, params IActorRef[] actors) =>
        Task.WhenAll(Enumerable.Range(0, requests).Select(i => Vars.InRequest($"c-{i}", () => Task.WhenAll(
            actors.SelectMany(a => new[]
            {
                a.Ask<string>(new Work($"c-{i}"), TimeSpan.FromSeconds(20)),
                a.Ask<string>(new AsyncWork($"c-{i}"), TimeSpan.FromSeconds(20)),
            })))));
}
