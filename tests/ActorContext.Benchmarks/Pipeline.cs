using ActorContext.Akka;
using Akka.Actor;

namespace ActorContext.Benchmarks;

/// <summary>
/// <c>pipeline</c>: the console host sample's request pipeline, rebuilt here with zero simulated delay and driven at full
/// speed. Each request gets a context of its own (a request id set by the edge) and crosses six hops: the edge asks
/// <c>parse</c> (an <c>await</c> in <c>ReceiveAsync</c>), which tells <c>enrich</c>; <c>enrich</c> asks <c>directory</c>
/// (which answers through the scheduler) and pipes the answer to itself; then <c>timer</c> (a single timer per request)
/// and <c>reply</c>, which answers the edge with the id it reads from its own context. One "message" is one completed
/// request; up to <see cref="Window"/> requests are in flight at a time. Per process only, like <see cref="OneWaySpans"/>.
/// </summary>
/// <remarks>
/// The edge checks every answer: with propagation the id the last hop read must be the request's own, without it none.
/// A mismatch throws, as a rate measured with broken propagation would mean nothing.
/// </remarks>
internal sealed class Pipeline : IScenarioRun
{
    internal const string Name = "pipeline";

    /// <summary>Requests in flight at a time.</summary>
    internal const int Window = 4000;

    private const string None = "none";

    private static readonly ContextVar<string> s_requestId = new("pipeline-request-id");
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(30);

    private readonly bool _propagates;
    private readonly IActorRef[] _actors;
    private readonly string[] _ids = Enumerable.Range(0, Window).Select(static i => $"req-{i:D4}").ToArray();
    private readonly Task<Answer>[] _window = new Task<Answer>[Window];

    public Pipeline(ActorSystem system)
    {
        _propagates = system.IsMessageContextEnabled();
        var reply = system.ActorOf(Props.Create(() => new ReplyActor()));
        var timer = system.ActorOf(Props.Create(() => new TimerActor(reply)));
        var directory = system.ActorOf(Props.Create(() => new DirectoryActor()));
        var enrich = system.ActorOf(Props.Create(() => new EnrichActor(directory, timer)));
        var parse = system.ActorOf(Props.Create(() => new ParseActor(enrich)));
        _actors = [parse, enrich, directory, timer, reply];
    }

    public long Run(long messages)
    {
        // A sliding window: request i waits for request i - Window to complete first. The two scheduler hops hold each
        // request for a tick (10 ms) or so, so a window this wide keeps the actors busy and the run bound by CPU.
        var parse = _actors[0];
        for (var i = 0L; i < messages + Window; i++)
        {
            var slot = (int)(i % Window);
            if (i >= Window)
            {
                Check(_window[slot].GetAwaiter().GetResult().RequestId, slot);
            }

            if (i < messages)
            {
                // A new context per request, as the sample's edge makes one.
                var token = s_requestId.Set(_ids[slot]);
                _window[slot] = parse.Ask<Answer>(static replyTo => new Work(replyTo), s_timeout, CancellationToken.None);
                s_requestId.Reset(token);
            }
        }

        return messages;
    }

    private void Check(string seen, int slot)
    {
        var expected = _propagates ? _ids[slot] : None;
        if (!string.Equals(seen, expected, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{Name}: the last hop read request id '{seen}', expected '{expected}'.");
        }
    }

    public void Dispose() => Task.WaitAll([.. _actors.Select(static a => a.GracefulStop(TimeSpan.FromSeconds(10)))]);

    private static string Seen() => s_requestId.Get(None);

    private sealed record Work(IActorRef ReplyTo);

    private sealed record Answer(string RequestId);

    private sealed record Lookup(Work Work);

    private sealed record DirectoryEntry(string SeenRequestId);

    private sealed record Enriched(Work Work, DirectoryEntry Entry);

    private sealed record EnrichFailed(Work Work, Exception Cause);

    private sealed record Fire(Work Work);

    /// <summary>Hop 1: an <c>await</c> in <c>ReceiveAsync</c> (no delay: it yields and resumes), then a Tell.</summary>
    private sealed class ParseActor : ReceiveActor
    {
        public ParseActor(IActorRef enrich) =>
            ReceiveAsync<Work>(async work =>
            {
                await Task.Yield();
                _ = Seen();
                enrich.Tell(work);
            });
    }

    /// <summary>Hop 2: an Ask to the directory, its answer piped back to itself.</summary>
    private sealed class EnrichActor : ReceiveActor
    {
        public EnrichActor(IActorRef directory, IActorRef timer)
        {
            Receive<Work>(work =>
                directory.Ask<DirectoryEntry>(new Lookup(work), s_timeout)
                    .PipeTo(Self, success: entry => new Enriched(work, entry), failure: cause => new EnrichFailed(work, cause)));
            Receive<Enriched>(enriched =>
            {
                _ = Seen();
                timer.Tell(enriched.Work);
            });
            Receive<EnrichFailed>(failed => failed.Work.ReplyTo.Tell(new Status.Failure(failed.Cause)));
        }
    }

    /// <summary>Hop 3: answers the Ask through the scheduler (the sample's random delay, here zero).</summary>
    private sealed class DirectoryActor : ReceiveActor
    {
        public DirectoryActor() =>
            Receive<Lookup>(_ => Context.System.Scheduler.ScheduleTellOnce(TimeSpan.Zero, Sender, new DirectoryEntry(Seen()), Self));
    }

    /// <summary>Hop 4: a single timer per request (zero delay).</summary>
    private sealed class TimerActor : ReceiveActor, IWithTimers
    {
        private long _next;

        public TimerActor(IActorRef reply)
        {
            Receive<Work>(work => Timers.StartSingleTimer(++_next, new Fire(work), TimeSpan.Zero));
            Receive<Fire>(fire =>
            {
                _ = Seen();
                reply.Tell(fire.Work);
            });
        }

        public ITimerScheduler Timers { get; set; } = null!;
    }

    /// <summary>Hop 5, the last: answers the edge with the id it reads from its own context.</summary>
    private sealed class ReplyActor : ReceiveActor
    {
        public ReplyActor() => Receive<Work>(work => work.ReplyTo.Tell(new Answer(Seen())));
    }
}
