using System.Collections.Concurrent;
using System.Diagnostics;
using Akka.Actor;
using Akka.Routing;
using Xunit.Abstractions;

namespace ActorContext.Akka.Tests;

/// <summary>
/// Many concurrent requests, each with its own request ID, through a chain of actors that mixes every way a message
/// travels: the reply must always carry the ID of the request it answers.
/// </summary>
public class LoadTests : PropagationTestKit
{
    private const int Requests = 10_000;
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(45);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    private readonly ITestOutputHelper _output;

    public LoadTests(ITestOutputHelper output)
        : base(output)
    {
        _output = output;
    }

    private sealed record Req(int N);

    /// <summary>The last hop's answer: the IDs it read from its context, before and after an await.</summary>
    private sealed record Reply(int N, string IdInReceive, string IdAfterAwait);

    private sealed record Delayed(Req Req, IActorRef ReplyTo);

    /// <summary>Counts, per hop, the messages whose context did not hold their own request's ID.</summary>
    private sealed class HopChecks
    {
        public ConcurrentDictionary<string, int> Mismatches { get; } = new();

        public ConcurrentQueue<string> Samples { get; } = new();

        public void Check(string hop, Req req)
        {
            var seen = SeenId();
            if (seen != Id(req.N))
            {
                Mismatches.AddOrUpdate(hop, 1, (_, n) => n + 1);
                if (Samples.Count < 10)
                {
                    Samples.Enqueue($"{hop}: request {req.N} saw '{seen}'");
                }
            }
        }
    }

    private static string Id(int n) => $"req-{n}";

    private static TimeSpan SmallDelay() => TimeSpan.FromMilliseconds(Random.Shared.Next(0, 4));

    private static async Task<Req> After(TimeSpan delay, Req req)
    {
        await Task.Delay(delay).ConfigureAwait(false);
        return req;
    }

    /// <summary>Hop 1: Forward (keeps the asker as sender).</summary>
    private sealed class Entry : ReceiveActor
    {
        public Entry(IActorRef next, HopChecks checks) =>
            Receive<Req>(r =>
            {
                checks.Check("1-forward", r);
                next.Forward(r);
            });
    }

    /// <summary>Hop 2: a random async delay, then PipeTo the next hop from the continuation.</summary>
    private sealed class Delayer : ReceiveActor
    {
        public Delayer(IActorRef next, HopChecks checks) =>
            Receive<Req>(r =>
            {
                checks.Check("2-pipe", r);
                After(SmallDelay(), r).PipeTo(next, Sender);
            });
    }

    /// <summary>Hop 3: a timer for odd requests, ScheduleTellOnce for even ones.</summary>
    private sealed class Scheduling : ReceiveActor, IWithTimers
    {
        public Scheduling(IActorRef next, HopChecks checks)
        {
            Receive<Req>(r =>
            {
                checks.Check("3-schedule", r);
                if (r.N % 2 == 0)
                {
                    Context.System.Scheduler.ScheduleTellOnce(SmallDelay(), next, r, Sender);
                }
                else
                {
                    Timers.StartSingleTimer(r.N, new Delayed(r, Sender), SmallDelay());
                }
            });
            Receive<Delayed>(d =>
            {
                checks.Check("3-timer", d.Req);
                next.Tell(d.Req, d.ReplyTo);
            });
        }

        public ITimerScheduler Timers { get; set; } = null!;
    }

    /// <summary>Hop 4: Ask the last hop and PipeTo the reply back to the original asker.</summary>
    private sealed class Asker : ReceiveActor
    {
        public Asker(IActorRef next, HopChecks checks) =>
            Receive<Req>(r =>
            {
                checks.Check("4-ask", r);
                next.Ask<Reply>(r, AskTimeout).PipeTo(Sender);
            });
    }

    /// <summary>Hop 5 (a pool): reads the ID from its context, awaits a random delay, reads it again and replies.</summary>
    private sealed class Responder : ReceiveActor
    {
        public Responder(HopChecks checks) =>
            ReceiveAsync<Req>(async r =>
            {
                checks.Check("5-respond", r);
                var replyTo = Sender;
                var inReceive = SeenId();
                await Task.Delay(SmallDelay());
                replyTo.Tell(new Reply(r.N, inReceive, SeenId()));
            });
    }

    [Fact]
    public async Task Chain_TenThousandConcurrentRequests_EveryReplyCarriesItsOwnRequestId()
    {
        var checks = new HopChecks();
        var responder = Sys.ActorOf(Props.Create(() => new Responder(checks)).WithRouter(new RoundRobinPool(32)), "responder");
        var asker = Sys.ActorOf(Props.Create(() => new Asker(responder, checks)), "asker");
        var scheduling = Sys.ActorOf(Props.Create(() => new Scheduling(asker, checks)), "scheduling");
        var delayer = Sys.ActorOf(Props.Create(() => new Delayer(scheduling, checks)), "delayer");
        var entry = Sys.ActorOf(Props.Create(() => new Entry(delayer, checks)), "entry");

        var clock = Stopwatch.StartNew();
        var replies = new Task<Reply>[Requests];
        Parallel.For(0, Requests, i => WithId(Id(i), () => replies[i] = entry.Ask<Reply>(new Req(i), AskTimeout)));

        var all = Task.WhenAll(replies);
        var finished = await Task.WhenAny(all, Task.Delay(Bound - clock.Elapsed)) == all;
        clock.Stop();

        var lost = 0;
        var mismatches = new List<string>();
        for (var i = 0; i < Requests; i++)
        {
            var task = replies[i];
            if (!task.IsCompletedSuccessfully)
            {
                lost++;
                continue;
            }

            var reply = await task;
            if (reply.N != i || reply.IdInReceive != Id(i) || reply.IdAfterAwait != Id(i))
            {
                mismatches.Add($"request {i}: {reply}");
            }
        }

        _output.WriteLine($"{Requests} requests in {clock.ElapsedMilliseconds} ms; lost {lost}; mismatched replies {mismatches.Count}; " +
                          $"hop mismatches [{string.Join(", ", checks.Mismatches.Select(p => $"{p.Key}={p.Value}"))}]");
        foreach (var sample in checks.Samples.Concat(mismatches.Take(10)))
        {
            _output.WriteLine(sample);
        }

        Assert.True(finished, $"not every request completed within {Bound.TotalSeconds} s");
        Assert.Equal(0, lost);
        Assert.Empty(mismatches);
        Assert.Empty(checks.Mismatches);
    }
}
