using Akka.Actor;
using Akka.Event;

namespace ActorContext.ConsoleHost.Pipeline;

// The five actors a request crosses after the edge. None of them knows about contexts: the request ID is read
// with RequestIds.Seen() (ContextVar.Get) and logged by the logging scope, never passed in a message or formatted
// into a log line by the hop itself.

/// <summary>
/// Hop 1: each request gets a worker of its own (<see cref="ParseWorker"/>), so requests overlap their waits the way
/// they would overlap real I/O. An actor that awaits inside <c>ReceiveAsync</c> takes no other message until the await
/// completes; one such actor, or a fixed pool of them, would make every request queue behind the waits of the ones
/// before it.
/// </summary>
internal sealed class ParseActor : ReceiveActor
{
    public ParseActor(IActorRef enrich, HopDelay delay)
    {
        var worker = Props.Create(() => new ParseWorker(enrich, delay));
        Receive<Work>(work =>
        {
            var child = Context.ActorOf(worker);
            child.Tell(work);
            // Queued behind the work, so the worker stops once its await is over — and also when the work never reaches
            // it (a request whose flow ended first goes to dead letters instead).
            child.Tell(PoisonPill.Instance);
        });
    }
}

/// <summary>
/// Hop 1's worker, one per request: an <c>await</c> inside <c>ReceiveAsync</c>, then a Tell. The await honours the
/// flow's <see cref="FlowDeadline.Token"/>, so a request that overran its deadline or whose client went away stops here.
/// </summary>
internal sealed class ParseWorker : ReceiveActor
{
    public ParseWorker(IActorRef enrich, HopDelay delay)
    {
        var log = Context.GetLogger();
        ReceiveAsync<Work>(async work =>
        {
            try
            {
                await Task.Delay(delay.NextMs(), FlowDeadline.Token);
            }
            catch (OperationCanceledException)
            {
                log.Info("hop {Hop} gave up: the request's flow ended", "parse");
                return; // the edge has already answered for it
            }

            var payload = work.Payload.Trim();
            log.Info("hop {Hop} parsed {Length} chars", "parse", payload.Length);
            enrich.Tell(work.Seen("parse") with { Payload = payload });
        });
    }
}

/// <summary>Hop 2: an Ask to the directory, its answer piped back to itself with PipeTo.</summary>
internal sealed class EnrichActor : ReceiveActor
{
    public EnrichActor(IActorRef directory, IActorRef timer, TimeSpan askTimeout)
    {
        var log = Context.GetLogger();
        Receive<Work>(work =>
            directory.Ask<DirectoryEntry>(new Lookup(work.Payload), askTimeout)
                .PipeTo(Self, success: entry => new Enriched(work, entry), failure: cause => new EnrichFailed(work, cause)));

        Receive<Enriched>(enriched =>
        {
            log.Info("hop {Hop} tagged region {Region}", "enrich", enriched.Entry.Region);
            timer.Tell(enriched.Work.Seen("enrich").Seen("directory", enriched.Entry.SeenRequestId));
        });

        Receive<EnrichFailed>(failed => failed.Work.ReplyTo.Tell(new Status.Failure(failed.Cause)));
    }
}

/// <summary>Hop 3: answers the enrich hop's Ask with a scheduled message after a random delay.</summary>
internal sealed class DirectoryActor : ReceiveActor
{
    private static readonly string[] s_regions = ["north", "south", "east", "west"];

    public DirectoryActor(HopDelay delay)
    {
        var log = Context.GetLogger();
        Receive<Lookup>(lookup =>
        {
            var region = s_regions[(uint)string.GetHashCode(lookup.Payload, StringComparison.Ordinal) % s_regions.Length];
            log.Info("hop {Hop} found region {Region}", "directory", region);
            Context.System.Scheduler.ScheduleTellOnce(
                TimeSpan.FromMilliseconds(delay.NextMs()), Sender, new DirectoryEntry(region, RequestIds.Seen()), Self);
        });
    }
}

/// <summary>Hop 4: a single timer per request (<see cref="IWithTimers"/>).</summary>
internal sealed class TimerActor : ReceiveActor, IWithTimers
{
    private long _next;

    public TimerActor(IActorRef reply, HopDelay delay)
    {
        var log = Context.GetLogger();
        Receive<Work>(work =>
        {
            var ms = delay.NextMs();
            Timers.StartSingleTimer(++_next, new Fire(work, ms), TimeSpan.FromMilliseconds(ms));
        });

        Receive<Fire>(fire =>
        {
            log.Info("hop {Hop} fired after {Delay} ms", "timer", fire.DelayMs);
            reply.Tell(fire.Work.Seen("timer"));
        });
    }

    /// <inheritdoc />
    public ITimerScheduler Timers { get; set; } = null!;
}

/// <summary>Hop 5, the last: answers the edge with the ID it reads from its own context.</summary>
internal sealed class ReplyActor : ReceiveActor
{
    public ReplyActor()
    {
        var log = Context.GetLogger();
        Receive<Work>(work =>
        {
            var done = work.Seen("reply");
            log.Info("hop {Hop} answering after {Hops} hops", "reply", done.Trace.Count);
            work.ReplyTo.Tell(new Answer(RequestIds.Seen(), done.Trace));
        });
    }
}
