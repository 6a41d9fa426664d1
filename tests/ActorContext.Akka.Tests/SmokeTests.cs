using Akka.Actor;
using Xunit.Abstractions;

namespace ActorContext.Akka.Tests;

public class SmokeTests(ITestOutputHelper output) : PropagationTestKit(output)
{
    private sealed class Echo : ReceiveActor
    {
        public Echo(IActorRef probe) => ReceiveAny(m => probe.Tell($"{m}:{SeenId()}"));
    }

    [Fact]
    public void Tell_FromEdge_ReceiverSeesEdgeContext()
    {
        Assert.True(Sys.IsMessageContextEnabled());
        var echo = Sys.ActorOf(Props.Create(() => new Echo(TestActor)));
        WithId("r-1", () => echo.Tell("a"));
        echo.Tell("b");
        ExpectMsg("a:r-1");
        ExpectMsg("b:none");
    }
}
