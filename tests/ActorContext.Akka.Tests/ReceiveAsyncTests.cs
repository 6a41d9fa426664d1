using System.Collections.Immutable;
using Akka.Actor;
using Xunit.Abstractions;

namespace ActorContext.Akka.Tests;

/// <summary>Requirement 5: ReceiveAsync handlers keep the message's context across awaits.</summary>
public class ReceiveAsyncTests(ITestOutputHelper output) : PropagationTestKit(output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    // ---------------------------------------------------------------- helpers

    // ---------------------------------------------------------------- messages and actors

    private sealed record Work(string Tag);

    private sealed record SetAfterAwait(string Tag);

    private sealed record Report(string Tag);

    private sealed record Fail(string Tag);

    private sealed record Steps(string Tag, ImmutableList<string> Seen);

    private sealed record Saw(string Tag, string Values);

    private sealed record Restarting(object? Message);

    private sealed class Callee : ReceiveActor
    {
        public Callee() =>
            Receive<string>(q =>
            {
                var saw = Values();
                RequestId.Set("callee-id");
                Sender.Tell($"callee saw {q}:{saw}");
            });
    }

    private sealed class Recorder(IActorRef probe) : UntypedActor
    {
        protected override void OnReceive(object message) => probe.Tell($"{message}:{Values()}");
    }

    /// <summary>Reads the context before and after several kinds of await, and tells after them.</summary>
    private sealed class AsyncWorker : ReceiveActor
    {
        public AsyncWorker(IActorRef probe, IActorRef callee, IActorRef recorder) =>
            ReceiveAsync<Work>(async w =>
            {
                var seen = ImmutableList.Create($"start={Values()}");
                await Task.Delay(30);
                seen = seen.Add($"after-delay={Values()}");
                recorder.Tell($"{w.Tag} told after delay");

                var reply = await callee.Ask<string>(w.Tag, Timeout);
                seen = seen.Add($"after-ask={Values()}").Add($"reply=[{reply}]");
                recorder.Tell($"{w.Tag} told after ask");

                await Task.Delay(20).ConfigureAwait(false);
                seen = seen.Add($"after-configure-await-false={Values()}");
                recorder.Tell($"{w.Tag} told off the actor");

                await Task.Yield();
                seen = seen.Add($"after-yield={Values()}");
                probe.Tell(new Steps(w.Tag, seen));
            });
    }

    /// <summary>An UntypedActor running async work with RunTask.</summary>
    private sealed class UntypedAsyncWorker(IActorRef probe, IActorRef recorder) : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            if (message is not Work w)
            {
                Unhandled(message);
                return;
            }

            RunTask(async () =>
            {
                var before = Values();
                await Task.Delay(20);
                recorder.Tell($"{w.Tag} told after delay");
                probe.Tell(new Saw(w.Tag, $"before={before} after={Values()}"));
            });
        }
    }

    private sealed class Setter : ReceiveActor
    {
        public Setter(IActorRef probe)
        {
            ReceiveAsync<SetAfterAwait>(async s =>
            {
                await Task.Delay(20);
                RequestId.Set("set-by-" + s.Tag);
                Tenant.Set("tenant-set-by-" + s.Tag);
                probe.Tell(new Saw(s.Tag, Values()));
            });
            Receive<Report>(r => probe.Tell(new Saw(r.Tag, Values())));
        }
    }

    private sealed class FailingAfterAwait : ReceiveActor
    {
        private readonly IActorRef _probe;

        public FailingAfterAwait(IActorRef probe)
        {
            _probe = probe;
            probe.Tell(new Saw("ctor", Values()));
            ReceiveAsync<Fail>(async f =>
            {
                await Task.Delay(20);
                RequestId.Set("set-before-throw-" + f.Tag);
                throw new InvalidOperationException("test failure " + f.Tag);
            });
            Receive<Report>(r => probe.Tell(new Saw(r.Tag, Values())));
        }

        protected override void PreRestart(Exception reason, object message)
        {
            _probe.Tell(new Restarting(message));
            base.PreRestart(reason, message);
        }

        protected override void PostRestart(Exception reason)
        {
            _probe.Tell(new Saw("postRestart", Values()));
            base.PostRestart(reason);
        }
    }

    // ---------------------------------------------------------------- tests

    [Fact]
    public void ReceiveAsync_AwaitDelayAskAndConfigureAwaitFalse_MessageContextHoldsThroughout()
    {
        var recorderProbe = CreateTestProbe();
        var recorder = Sys.ActorOf(Props.Create(() => new Recorder(recorderProbe.Ref)));
        var callee = Sys.ActorOf(Props.Create(() => new Callee()));
        var worker = Sys.ActorOf(Props.Create(() => new AsyncWorker(TestActor, callee, recorder)));

        InContext("w-1", "t-1", () => worker.Tell(new Work("1")));
        worker.Tell(new Work("2"));
        InContext("w-3", null, () => worker.Tell(new Work("3")));

        foreach (var (tag, values) in new[] { ("1", "w-1/t-1"), ("2", "none/none"), ("3", "w-3/none") })
        {
            var steps = ExpectMsg<Steps>(Timeout);
            Assert.Equal(tag, steps.Tag);
            Assert.Equal(
                [
                    $"start={values}",
                    $"after-delay={values}",
                    $"after-ask={values}",
                    $"reply=[callee saw {tag}:{values}]",
                    $"after-configure-await-false={values}",
                    $"after-yield={values}",
                ],
                steps.Seen);

            // Tells made after each await carry the message's context.
            recorderProbe.ExpectMsg($"{tag} told after delay:{values}");
            recorderProbe.ExpectMsg($"{tag} told after ask:{values}");
            recorderProbe.ExpectMsg($"{tag} told off the actor:{values}");
        }
    }

    [Fact]
    public void RunTask_UntypedActorAwaits_MessageContextHoldsAndTellsCarryIt()
    {
        var recorderProbe = CreateTestProbe();
        var recorder = Sys.ActorOf(Props.Create(() => new Recorder(recorderProbe.Ref)));
        var worker = Sys.ActorOf(Props.Create(() => new UntypedAsyncWorker(TestActor, recorder)));

        InContext("u-1", "t-1", () => worker.Tell(new Work("1")));
        worker.Tell(new Work("2"));
        InContext(null, "t-3", () => worker.Tell(new Work("3")));

        ExpectMsg(new Saw("1", "before=u-1/t-1 after=u-1/t-1"));
        ExpectMsg(new Saw("2", "before=none/none after=none/none"));
        ExpectMsg(new Saw("3", "before=none/t-3 after=none/t-3"));
        recorderProbe.ExpectMsg("1 told after delay:u-1/t-1");
        recorderProbe.ExpectMsg("2 told after delay:none/none");
        recorderProbe.ExpectMsg("3 told after delay:none/t-3");
    }

    [Fact]
    public void ReceiveAsync_HandlerSetsVarsAfterAwait_NextMessagesSeeOnlyTheirOwnContext()
    {
        var setter = Sys.ActorOf(Props.Create(() => new Setter(TestActor)));

        InContext("s-1", "t-1", () => setter.Tell(new SetAfterAwait("1")));
        setter.Tell(new Report("2"));
        InContext("s-3", null, () => setter.Tell(new Report("3")));
        setter.Tell(new SetAfterAwait("4"));
        setter.Tell(new Report("5"));

        ExpectMsg(new Saw("1", "set-by-1/tenant-set-by-1"));
        ExpectMsg(new Saw("2", "none/none"));
        ExpectMsg(new Saw("3", "s-3/none"));
        ExpectMsg(new Saw("4", "set-by-4/tenant-set-by-4"));
        ExpectMsg(new Saw("5", "none/none"));
    }

    [Fact]
    public void ReceiveAsync_ThrowsAfterAwait_PreRestartGetsUserMessageAndRestartedInstanceSeesNoId()
    {
        IActorRef actor = ActorRefs.Nobody;
        InContext("creator", null, () => actor = Sys.ActorOf(Props.Create(() => new FailingAfterAwait(TestActor))));
        ExpectMsg(new Saw("ctor", "creator/none"));

        InContext("boom", "t-boom", () => actor.Tell(new Fail("x")));
        actor.Tell(new Report("after"));

        var restarting = ExpectMsg<Restarting>();
        Assert.Equal("x", Assert.IsType<Fail>(restarting.Message).Tag);
        ExpectMsg(new Saw("ctor", "none/none"));
        ExpectMsg(new Saw("postRestart", "none/none"));
        ExpectMsg(new Saw("after", "none/none"));
    }
}
