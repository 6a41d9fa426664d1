using System.Collections.Immutable;
using Akka.Actor;
using Xunit.Abstractions;

namespace ActorContext.Akka.Tests;

/// <summary>Requirement 13: RequestContext (string-keyed facade) entries flow exactly like ContextVar values.</summary>
public class RequestContextPropagationTests(ITestOutputHelper output) : PropagationTestKit(output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    // ---------------------------------------------------------------- helpers

    /// <summary>What the running code sees: corr, user and the typed request id ("null"/"none" when absent).</summary>
    private static string RequestValues() =>
        $"corr={RequestContext.Get("corr") ?? "null"},user={RequestContext.Get("user") ?? "null"},id={SeenId()}";

    /// <summary>Runs <paramref name="action"/> in a fresh, empty context.</summary>
    private static void InFreshContext(Action action) => new MessageContext().Run(action);

    // ---------------------------------------------------------------- messages and actors

    private sealed class Echo(IActorRef probe) : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            var keys = string.Join(",", RequestContext.Keys.Order(StringComparer.Ordinal));
            probe.Tell($"{message}:{RequestValues()} keys=[{keys}]");
            RequestContext.Set("corr", "set-by-handler-" + message); // must not reach the next message
        }
    }

    private sealed class Callee : ReceiveActor
    {
        public Callee() =>
            Receive<string>(q =>
            {
                var saw = RequestValues();
                RequestContext.Set("corr", "callee-corr");
                Sender.Tell($"callee saw {q}:{saw}");
            });
    }

    private sealed class AsyncAsker : ReceiveActor
    {
        public AsyncAsker(IActorRef probe, IActorRef callee, IActorRef recorder) =>
            ReceiveAsync<string>(async m =>
            {
                var before = RequestValues();
                await Task.Delay(20);
                var reply = await callee.Ask<string>(m, Timeout);
                recorder.Tell($"{m} told after ask");
                probe.Tell($"asker {m} before=[{before}] reply=[{reply}] after=[{RequestValues()}]");
            });
    }

    private IActorRef BuildChain(IActorRef end, params HopSpec[] specs) =>
        HopChain.Build(Sys, end, RequestValues, ":", named: false, specs);

    // ---------------------------------------------------------------- tests

    [Fact]
    public void RequestContext_EdgeSetsEntries_EveryHopOfMixedChainSeesThem()
    {
        var first = BuildChain(TestActor, new HopSpec("h1"), new HopSpec("h2"), new HopSpec("h3"), new HopSpec("h4"), new HopSpec("h5"));

        InFreshContext(() =>
        {
            RequestContext.Set("corr", "c-1");
            RequestContext.Set("user", "u-1");
            first.Tell(HopTrace.Start);
        });
        first.Tell(HopTrace.Start);

        Assert.Equal(
            Enumerable.Range(1, 5).Select(i => $"h{i}:corr=c-1,user=u-1,id=none"),
            ExpectMsg<HopTrace>().Hops);
        Assert.Equal(
            Enumerable.Range(1, 5).Select(i => $"h{i}:corr=null,user=null,id=none"),
            ExpectMsg<HopTrace>().Hops);
    }

    [Fact]
    public void RequestContext_HopChangesEntries_OnlyLaterHopsSeeChangeNotEarlierHopsOrEdge()
    {
        using var chainDone = new ManualResetEventSlim(false);
        var first = BuildChain(
            TestActor,
            new HopSpec("h1", WaitAfterSend: chainDone, AfterProbe: TestActor),
            new HopSpec("h2", Change: () => RequestContext.Set("corr", "c-2")),
            new HopSpec("h3"),
            new HopSpec("h4", Change: RequestContext.Clear), // removes string entries, keeps typed vars
            new HopSpec("h5", SignalAfterSend: chainDone));

        HopTrace? trace = null;
        var h1After = string.Empty;
        var edgeAfter = string.Empty;
        InFreshContext(() =>
        {
            RequestContext.Set("corr", "c-1");
            RequestContext.Set("user", "u-1");
            RequestId.Set("r-1");
            first.Tell(HopTrace.Start);
            trace = ExpectMsg<HopTrace>();
            h1After = ExpectMsg<string>();
            edgeAfter = RequestValues();
        });

        Assert.Equal(
            [
                "h1:corr=c-1,user=u-1,id=r-1",
                "h2:corr=c-1,user=u-1,id=r-1",
                "h3:corr=c-2,user=u-1,id=r-1",
                "h4:corr=c-2,user=u-1,id=r-1",
                "h5:corr=null,user=null,id=r-1",
            ],
            trace!.Hops);
        Assert.Equal("h1-after:corr=c-1,user=u-1,id=r-1", h1After);
        Assert.Equal("corr=c-1,user=u-1,id=r-1", edgeAfter);
        Assert.Equal("corr=null,user=null,id=none", RequestValues());
    }

    [Fact]
    public void RequestContext_NextMessageWithOtherOrNoEntries_NeverSeesPreviousEntries()
    {
        var echo = Sys.ActorOf(Props.Create(() => new Echo(TestActor)));

        InFreshContext(() =>
        {
            RequestContext.Set("corr", "c-1");
            RequestContext.Set("user", "u-1");
            echo.Tell("1");
        });
        echo.Tell("2");
        InFreshContext(() =>
        {
            RequestContext.Set("user", "u-3");
            echo.Tell("3");
        });
        InFreshContext(() =>
        {
            RequestContext.Set("corr", "c-4");
            RequestContext.Remove("corr");
            echo.Tell("4");
        });

        ExpectMsg("1:corr=c-1,user=u-1,id=none keys=[corr,user]");
        ExpectMsg("2:corr=null,user=null,id=none keys=[]");
        ExpectMsg("3:corr=null,user=u-3,id=none keys=[user]");
        ExpectMsg("4:corr=null,user=null,id=none keys=[]");
    }

    [Fact]
    public void RequestContext_AskFromReceiveAsync_CalleeSeesAskersEntriesAndAskerKeepsItsOwn()
    {
        var recorderProbe = CreateTestProbe();
        var recorder = Sys.ActorOf(Props.Create(() => new Echo(recorderProbe.Ref)));
        var callee = Sys.ActorOf(Props.Create(() => new Callee()));
        var asker = Sys.ActorOf(Props.Create(() => new AsyncAsker(TestActor, callee, recorder)));

        InFreshContext(() =>
        {
            RequestContext.Set("corr", "c-1");
            asker.Tell("q1");
        });
        asker.Tell("q2");

        ExpectMsg("asker q1 before=[corr=c-1,user=null,id=none] reply=[callee saw q1:corr=c-1,user=null,id=none] after=[corr=c-1,user=null,id=none]");
        ExpectMsg("asker q2 before=[corr=null,user=null,id=none] reply=[callee saw q2:corr=null,user=null,id=none] after=[corr=null,user=null,id=none]");
        recorderProbe.ExpectMsg("q1 told after ask:corr=c-1,user=null,id=none keys=[corr]");
        recorderProbe.ExpectMsg("q2 told after ask:corr=null,user=null,id=none keys=[]");
    }
}
