using ActorContext;
using ActorContext.Hosting;
using ActorContext.TestKit;
using Akka.Actor;
using Akka.Hosting;
using Xunit;

public class OrderTests : Akka.Hosting.TestKit.TestKit
{
    static readonly ContextVar<string> RequestId = new("request-id");

    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider) => builder
        .WithMessageContext()
        .WithActors((system, registry) => registry.Register<Orders>(system.ActorOf(Props.Create<Orders>(), "orders")));

    [Fact]
    public void Orders_carry_the_request_id()
    {
        var probe = this.CreateContextProbe();
        var orders = ActorRegistry.Get<Orders>();

        orders.TellWithContext(new PlaceOrder(probe.Ref), RequestId, "r-1");

        probe.ExpectMsgWithContext<OrderPlaced, string>(RequestId, "r-1");
    }
}

public sealed record PlaceOrder(IActorRef ReplyTo);
public sealed record OrderPlaced;

public class Orders : ReceiveActor
{
    public Orders() => Receive<PlaceOrder>(o => o.ReplyTo.Tell(new OrderPlaced()));
}
