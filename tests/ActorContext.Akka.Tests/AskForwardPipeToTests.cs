using Akka.Actor;
using Xunit.Abstractions;

namespace ActorContext.Akka.Tests;

/// <summary>Requirements 3 and 4: Forward, Ask, replies told to normal actors, and PipeTo.</summary>
public class AskForwardPipeToTests(ITestOutputHelper output) : PropagationTestKit(output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    // ---------------------------------------------------------------- helpers

    /// <summary>A task that completes later, on a thread-pool thread.</summary>
    private static async Task<string> DelayThen(string result, int milliseconds)
    {
        await Task.Delay(milliseconds).ConfigureAwait(false);
        return result;
    }

    // ---------------------------------------------------------------- messages and actors

    private sealed record Start(string Tag);

    private sealed record Report(string Tag);

    /// <summary>Reports what it sees, then forwards the message unchanged.</summary>
    private sealed class Forwarder : ReceiveActor
    {
        public Forwarder(IActorRef probe, IActorRef target) =>
            ReceiveAny(m =>
            {
                probe.Tell($"forwarder {m}:{Values()}");
                target.Forward(m);
            });
    }

    /// <summary>Replies to the sender with what it saw.</summary>
    private sealed class ReplyWithValues : UntypedActor
    {
        protected override void OnReceive(object message) => Sender.Tell($"target {message}:{Values()}");
    }

    /// <summary>Answers an Ask from a different context than the asker's.</summary>
    private sealed class Callee : ReceiveActor
    {
        public Callee() =>
            Receive<string>(q =>
            {
                var saw = Values();
                RequestId.Set("callee-id");
                Tenant.Set("callee-tenant");
                Sender.Tell($"callee saw {q}:{saw}");
            });
    }

    /// <summary>Asks the callee from a ReceiveAsync handler and reports what it sees before and after the await.</summary>
    private sealed class AsyncAsker : ReceiveActor
    {
        public AsyncAsker(IActorRef probe, IActorRef callee) =>
            ReceiveAsync<Start>(async s =>
            {
                var before = Values();
                var reply = await callee.Ask<string>(s.Tag, Timeout);
                probe.Tell($"asker {s.Tag} before={before} reply=[{reply}] after={Values()}");
            });
    }

    private sealed class Requester : ReceiveActor
    {
        public Requester(IActorRef probe, IActorRef replier)
        {
            Receive<Start>(s =>
            {
                probe.Tell($"requester start {s.Tag}:{Values()}");
                replier.Tell(new Report(s.Tag));
            });
            Receive<string>(reply => probe.Tell($"requester got [{reply}]:{Values()}"));
        }
    }

    /// <summary>Replies with Tell after setting a different request id.</summary>
    private sealed class Replier : ReceiveActor
    {
        public Replier(IActorRef probe) =>
            Receive<Report>(r =>
            {
                probe.Tell($"replier {r.Tag}:{Values()}");
                RequestId.Set("replier-id-" + r.Tag);
                Sender.Tell("pong " + r.Tag);
            });
    }

    private sealed class Recorder(IActorRef probe) : UntypedActor
    {
        protected override void OnReceive(object message) => probe.Tell($"recorder got {message}:{Values()}");
    }

    /// <summary>Pipes delayed results to itself and to another actor from inside Receive.</summary>
    private sealed class Piper : ReceiveActor
    {
        public Piper(IActorRef probe, IActorRef other)
        {
            Receive<Start>(s =>
            {
                probe.Tell($"piper start {s.Tag}:{Values()}");
                RequestId.Set(SeenId() + "+piped");
                DelayThen("to-self-" + s.Tag, 150).PipeTo(Self);
                DelayThen("to-other-" + s.Tag, 150).PipeTo(other);
            });
            Receive<Report>(r => probe.Tell($"piper report {r.Tag}:{Values()}"));
            Receive<string>(result => probe.Tell($"piper got {result}:{Values()}"));
        }
    }

    // ---------------------------------------------------------------- 3. Forward

    [Fact]
    public void Forward_ThroughMiddleActor_TargetSeesOriginalContextAndSender()
    {
        var target = Sys.ActorOf(Props.Create(() => new ReplyWithValues()));
        var forwarder = Sys.ActorOf(Props.Create(() => new Forwarder(TestActor, target)));

        InContext("f-1", "t-1", () => forwarder.Tell("a", TestActor));
        forwarder.Tell("b", TestActor);
        InContext("f-3", null, () => forwarder.Tell("c", TestActor));

        // The target replies to the forwarded sender (the TestActor) with what it saw.
        var received = ReceiveN(6, Timeout).Cast<string>().ToList();
        Assert.Equal(
            ["forwarder a:f-1/t-1", "forwarder b:none/none", "forwarder c:f-3/none"],
            received.Where(m => m.StartsWith("forwarder ", StringComparison.Ordinal)));
        Assert.Equal(
            ["target a:f-1/t-1", "target b:none/none", "target c:f-3/none"],
            received.Where(m => m.StartsWith("target ", StringComparison.Ordinal)));
    }

    // ---------------------------------------------------------------- 3. Ask

    [Fact]
    public async Task Ask_FromEdge_CalleeSeesAskerContextAndAskerKeepsItsOwnAfterAwait()
    {
        var callee = Sys.ActorOf(Props.Create(() => new Callee()));

        async Task<string> AskAsEdge()
        {
            RequestId.Set("ask-1");
            Tenant.Set("t-ask");
            var first = await callee.Ask<string>("q1", Timeout);
            var afterFirst = Values();
            var second = await callee.Ask<string>("q2", Timeout).ConfigureAwait(false);
            return $"[{first}] after={afterFirst} [{second}] after={Values()}";
        }

        var result = await AskAsEdge();

        Assert.Equal("[callee saw q1:ask-1/t-ask] after=ask-1/t-ask [callee saw q2:ask-1/t-ask] after=ask-1/t-ask", result);
        Assert.Equal("none/none", Values()); // the test's own flow was never changed
        Assert.Equal("callee saw q3:none/none", await callee.Ask<string>("q3", Timeout));
    }

    [Fact]
    public void Ask_FromReceiveAsyncActor_CalleeSeesAskerContextAndAskerKeepsItsOwnAfterAwait()
    {
        var callee = Sys.ActorOf(Props.Create(() => new Callee()));
        var asker = Sys.ActorOf(Props.Create(() => new AsyncAsker(TestActor, callee)));

        InContext("a-1", "t-a", () => asker.Tell(new Start("1")));
        asker.Tell(new Start("2"));
        InContext("a-3", null, () => asker.Tell(new Start("3")));

        ExpectMsg("asker 1 before=a-1/t-a reply=[callee saw 1:a-1/t-a] after=a-1/t-a");
        ExpectMsg("asker 2 before=none/none reply=[callee saw 2:none/none] after=none/none");
        ExpectMsg("asker 3 before=a-3/none reply=[callee saw 3:a-3/none] after=a-3/none");
    }

    [Fact]
    public void ReplyTell_ToNormalActor_CarriesRepliersContext()
    {
        var replier = Sys.ActorOf(Props.Create(() => new Replier(TestActor)));
        var requester = Sys.ActorOf(Props.Create(() => new Requester(TestActor, replier)));

        InContext("r-1", "t-1", () => requester.Tell(new Start("1")));
        ExpectMsg("requester start 1:r-1/t-1");
        ExpectMsg("replier 1:r-1/t-1");
        ExpectMsg("requester got [pong 1]:replier-id-1/t-1");

        requester.Tell(new Start("2"));
        ExpectMsg("requester start 2:none/none");
        ExpectMsg("replier 2:none/none");
        ExpectMsg("requester got [pong 2]:replier-id-2/none");
    }

    // ---------------------------------------------------------------- 4. PipeTo

    [Fact]
    public void PipeTo_FromEdge_DeliversWithContextCurrentAtPipeToCall()
    {
        var recorder = Sys.ActorOf(Props.Create(() => new Recorder(TestActor)));

        // The task is created (and completes) in one context; each PipeTo is called in another.
        Task<string> task = null!;
        InContext("task-creator", "t-creator", () => task = DelayThen("result", 100));
        InContext("pipe-1", "t-pipe", () => task.PipeTo(recorder));
        task.PipeTo(recorder, success: r => r + "-no-context");
        InContext("pipe-3", null, () => task.PipeTo(recorder, success: r => r + "-3"));

        var received = ReceiveN(3, Timeout).Cast<string>().Order(StringComparer.Ordinal).ToList();
        Assert.Equal(
            ["recorder got result-3:pipe-3/none", "recorder got result-no-context:none/none", "recorder got result:pipe-1/t-pipe"],
            received);
    }

    [Fact]
    public void PipeTo_InsideActorToSelfAndOther_DeliversWithContextCurrentAtPipeToCall()
    {
        var other = Sys.ActorOf(Props.Create(() => new Recorder(TestActor)));
        var piper = Sys.ActorOf(Props.Create(() => new Piper(TestActor, other)));

        InContext("p-1", "t-p", () => piper.Tell(new Start("1")));
        ExpectMsg("piper start 1:p-1/t-p");

        // Messages handled while the piped tasks run carry their own contexts.
        InContext("p-2", null, () => piper.Tell(new Report("2")));
        piper.Tell(new Report("3"));

        var received = ReceiveN(4, Timeout).Cast<string>().Order(StringComparer.Ordinal).ToList();
        Assert.Equal(
            [
                "piper got to-self-1:p-1+piped/t-p",
                "piper report 2:p-2/none",
                "piper report 3:none/none",
                "recorder got to-other-1:p-1+piped/t-p",
            ],
            received);
    }
}
