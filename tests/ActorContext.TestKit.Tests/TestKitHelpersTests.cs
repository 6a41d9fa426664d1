using ActorContext.TestKit;
using Akka.Actor;
using Xunit.Abstractions;

namespace ActorContext.TestKit.Tests;

public class TestKitHelpersTests(ITestOutputHelper output) : ContextTestKit(output)
{
    private sealed record Ping(IActorRef ReplyTo);

    private sealed class Forwarder : ReceiveActor
    {
        public Forwarder() => Receive<Ping>(p => p.ReplyTo.Tell("pong"));
    }

    [Fact]
    public void TellWithContext_VarAndValue_ProbeSeesIt()
    {
        var probe = this.CreateContextProbe();
        var actor = Sys.ActorOf(Props.Create(() => new Forwarder()));

        actor.TellWithContext(new Ping(probe.Ref), RequestId, "tk-1");

        var received = probe.ExpectMsgWithContext<string, string>(RequestId, "tk-1");
        Assert.Equal("pong", received.Message);
        Assert.Equal(actor, received.Sender);
    }

    [Fact]
    public void TellWithContext_MessageContext_CarriesEveryEntryAndLeavesCallerAlone()
    {
        var probe = this.CreateContextProbe();
        var context = new MessageContext();
        context.Run(() =>
        {
            RequestId.Set("tk-2");
            Tenant.Set("acme");
        });

        probe.Ref.TellWithContext("hello", context);

        var received = probe.ExpectMsg<string>();
        Assert.Equal(context, received.Context);
        Assert.False(RequestId.TryGet(out _));
    }

    [Fact]
    public void ExpectMsgWithContext_WrongValue_ThrowsNamingBoth()
    {
        var probe = this.CreateContextProbe();
        probe.Ref.TellWithContext("x", RequestId, "actual");

        var error = Assert.Throws<ContextAssertionException>(() => probe.ExpectMsgWithContext<string, string>(RequestId, "expected"));
        Assert.Contains("'expected'", error.Message);
        Assert.Contains("'actual'", error.Message);
    }

    [Fact]
    public void ExpectMsgWithoutContext_NoContext_Passes_AndWithContext_Throws()
    {
        var probe = this.CreateContextProbe();
        probe.Ref.Tell("plain");
        probe.ExpectMsgWithoutContext<string, string>(RequestId);

        probe.Ref.TellWithContext("tagged", RequestId, "r");
        Assert.Throws<ContextAssertionException>(() => probe.ExpectMsgWithoutContext<string, string>(RequestId));
    }

    [Fact]
    public void ExpectMsg_WrongType_Throws()
    {
        var probe = this.CreateContextProbe();
        probe.Ref.Tell(42);
        Assert.Throws<ContextAssertionException>(() => probe.ExpectMsg<string>());
    }

    private sealed record OrderPlaced;

    [Fact]
    public void ExpectMsgWithContext_NothingArrives_TimeoutNamesTheMessageTypeTheVarAndTheValue()
    {
        var probe = this.CreateContextProbe("orders-probe");

        var error = Assert.Throws<ContextAssertionException>(
            () => probe.ExpectMsgWithContext<OrderPlaced, string>(RequestId, "r-9", TimeSpan.FromMilliseconds(50)));

        Assert.Contains("waiting for OrderPlaced whose context holds request-id = 'r-9'", error.Message);
        Assert.Contains("orders-probe", error.Message);
        Assert.DoesNotContain("Recorded", error.Message);
    }

    [Fact]
    public void ExpectMsgWithoutContext_NothingArrives_TimeoutNamesTheMessageTypeAndTheVar()
    {
        var probe = this.CreateContextProbe();

        var error = Assert.Throws<ContextAssertionException>(
            () => probe.ExpectMsgWithoutContext<OrderPlaced, string>(RequestId, TimeSpan.FromMilliseconds(50)));

        Assert.Contains("waiting for OrderPlaced whose context holds no value for request-id", error.Message);
    }

    [Fact]
    public void ExpectMsg_NothingArrives_TimeoutNamesTheMessageType()
    {
        var probe = this.CreateContextProbe();

        var error = Assert.Throws<ContextAssertionException>(() => probe.ExpectMsg<OrderPlaced>(TimeSpan.FromMilliseconds(50)));

        Assert.Contains("waiting for a message of type OrderPlaced", error.Message);
        Assert.DoesNotContain("Recorded", error.Message);
    }
}
