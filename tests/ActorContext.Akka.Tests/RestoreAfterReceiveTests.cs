using Akka.Actor;
using Xunit.Abstractions;

namespace ActorContext.Akka.Tests;

/// <summary>
/// What code that Akka runs right after a message, in the same mailbox run, observes: <c>PostStop</c> after the actor
/// stops itself inside <c>Receive</c> (the Terminate system message is processed before the run ends).
/// </summary>
internal sealed class StopsItselfInReceive : ReceiveActor
{
    private readonly IActorRef _probe;

    public StopsItselfInReceive(IActorRef probe)
    {
        _probe = probe;
        ReceiveAny(_ =>
        {
            _probe.Tell($"receive:{PropagationTestKit.SeenId()}");
            Context.Stop(Self);
        });
    }

    protected override void PostStop() => _probe.Tell($"post-stop:{PropagationTestKit.SeenId()}");
}

public class DefaultRestoreTests(ITestOutputHelper output) : PropagationTestKit(output)
{
    [Fact]
    public void PostStopAfterStoppingInReceive_Default_SeesTheMessagesContext()
    {
        var actor = Sys.ActorOf(Props.Create(() => new StopsItselfInReceive(TestActor)));
        WithId("r-stop", () => actor.Tell("go"));

        ExpectMsg("receive:r-stop");
        ExpectMsg("post-stop:r-stop");
    }
}

public class RestoreAfterReceiveTests(ITestOutputHelper output)
    : PropagationTestKit(output, options: new MessageContextOptions { RestoreAfterReceive = true })
{
    [Fact]
    public void PostStopAfterStoppingInReceive_RestoreAfterReceive_SeesNoContext()
    {
        var actor = Sys.ActorOf(Props.Create(() => new StopsItselfInReceive(TestActor)));
        WithId("r-stop", () => actor.Tell("go"));

        ExpectMsg("receive:r-stop");
        ExpectMsg("post-stop:none");
    }

    [Fact]
    public void PostStopAfterStoppingInReceive_TracedMessage_RestoreAfterReceive_SeesNoContext()
    {
        var actor = Sys.ActorOf(Props.Create(() => new StopsItselfInReceive(TestActor)));
        var outer = System.Diagnostics.Activity.Current;
        var edge = new System.Diagnostics.Activity("edge").Start();
        try
        {
            WithId("r-traced", () => actor.Tell("go"));
        }
        finally
        {
            edge.Stop();
            System.Diagnostics.Activity.Current = outer;
        }

        ExpectMsg("receive:r-traced");
        ExpectMsg("post-stop:none");
    }
}
