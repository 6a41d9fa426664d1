using ActorContext.Akka;
using Akka.Actor;
using Akka.Configuration;

namespace ActorContext.Cluster.Tests;

public class RemoteSmokeTests
{
    private static readonly ContextVar<string> RequestId = new("smoke-request-id", ContextScope.Distributed);

    private sealed class Echo : ReceiveActor
    {
        public Echo() => ReceiveAny(m => Sender.Tell($"{m}:{RequestId.Get("none")}"));
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
}
