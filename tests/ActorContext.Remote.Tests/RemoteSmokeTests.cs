using ActorContext.Akka;
using Akka.Actor;
using Akka.Configuration;
using Akka.Event;

namespace ActorContext.Remote.Tests;

public class RemoteSmokeTests
{
    private static readonly ContextVar<string> RequestId = new("smoke-request-id", ContextScope.Distributed);

    private sealed class Echo : ReceiveActor
    {
        public Echo() => ReceiveAny(m => Sender.Tell($"{m}:{RequestId.Get("none")}"));
    }

    private sealed class DeadlineEcho : ReceiveActor
    {
        public DeadlineEcho() => ReceiveAny(_ => Sender.Tell(FlowDeadline.Remaining?.TotalMilliseconds ?? -1));
    }

    private static ActorSystem Node(string name) => ActorSystem.Create(name, ConfigurationFactory.ParseString("""
        akka.actor.provider = remote
        akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
        akka.loglevel = WARNING
        """).WithMessageContext());

    [Fact]
    public async Task Ask_AcrossNodes_CalleeSeesCallersContext()
    {
        using var a = Node("a");
        using var b = Node("b");
        b.ActorOf(Props.Create(() => new Echo()), "echo");
        var address = ((ExtendedActorSystem)b).Provider.DefaultAddress;
        var echo = await a.ActorSelection(new RootActorPath(address) / "user" / "echo").ResolveOne(TimeSpan.FromSeconds(10));

        var reply = await new MessageContext().Run(() =>
        {
            RequestId.Set("remote-1");
            return echo.Ask<string>("hi", TimeSpan.FromSeconds(10));
        });
        var plain = await echo.Ask<string>("plain", TimeSpan.FromSeconds(10));

        Assert.Equal("hi:remote-1", reply);
        Assert.Equal("plain:none", plain);
        await Task.WhenAll(a.Terminate(), b.Terminate());
    }

    [Fact]
    public async Task Deadline_AcrossNodes_TravelsAsRemainingTime_AndAnExpiredOneIsDroppedOnArrival()
    {
        using var a = Node("deadline-a");
        using var b = Node("deadline-b");
        b.ActorOf(Props.Create(() => new DeadlineEcho()), "deadline");
        var address = ((ExtendedActorSystem)b).Provider.DefaultAddress;
        var echo = await a.ActorSelection(new RootActorPath(address) / "user" / "deadline").ResolveOne(TimeSpan.FromSeconds(10));
        var deadLetters = new TaskCompletionSource<object>(TaskCreationOptions.RunContinuationsAsynchronously);
        b.EventStream.Subscribe(b.ActorOf(Props.Create(() => new Forward(deadLetters))), typeof(DeadLetter));

        var remaining = await new MessageContext().Run(() =>
        {
            FlowDeadline.WithTimeout(TimeSpan.FromSeconds(5));
            return echo.Ask<double>("budget", TimeSpan.FromSeconds(10));
        });
        var expired = new MessageContext().Run(() =>
        {
            FlowDeadline.WithDeadline(DateTimeOffset.UtcNow.AddSeconds(-1));
            return echo.Ask<double>("too late", TimeSpan.FromSeconds(2));
        });

        Assert.InRange(remaining, 1, 5000);
        await Assert.ThrowsAsync<AskTimeoutException>(() => expired);
        Assert.Equal("too late", await deadLetters.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        await Task.WhenAll(a.Terminate(), b.Terminate());
    }

    private sealed class Forward : ReceiveActor
    {
        public Forward(TaskCompletionSource<object> target) =>
            Receive<DeadLetter>(d => { if (Equals(d.Message, "too late")) { target.TrySetResult(d.Message); } });
    }
}
