using ActorContext;
using ActorContext.Hosting;
using ActorContext.TestKit;
using Akka.Actor;
using Akka.Hosting;
using Xunit;

namespace ActorContext.Hosting.TestKit.Tests;

/// <summary>
/// Sends made from a test body under Akka.Hosting.TestKit. That TestKit makes its TestActor the current actor on the
/// test thread, so these pass only if a send takes the test code's ambient context, not the current actor's.
/// </summary>
public sealed class TestThreadSendTests : global::Akka.Hosting.TestKit.TestKit
{
    private static readonly ContextVar<string> Tenant = new("tenant");

    protected override void ConfigureAkka(AkkaConfigurationBuilder builder, IServiceProvider provider) => builder
        .WithMessageContext()
        .WithActors((system, registry) => registry.Register<Orders>(system.ActorOf(Props.Create<Orders>(), "orders")));

    [Fact]
    public void Tell_FromTestBodyWithAmbientValue_ReplyCarriesIt()
    {
        var probe = this.CreateContextProbe();
        var orders = ActorRegistry.Get<Orders>();

        using (Tenant.Set("acme"))
        {
            orders.Tell(new PlaceOrder(probe.Ref));
        }

        probe.ExpectMsgWithContext<OrderPlaced, string>(Tenant, "acme");
    }

    [Fact]
    public void Tell_FromTestBodyWithNoValue_ReplyCarriesNone()
    {
        var probe = this.CreateContextProbe();
        var orders = ActorRegistry.Get<Orders>();
        using (Tenant.Set("acme"))
        {
            orders.Tell(new PlaceOrder(probe.Ref));
        }

        probe.ExpectMsgWithContext<OrderPlaced, string>(Tenant, "acme");

        // The previous send's context must not stick to the test thread or the actor.
        orders.Tell(new PlaceOrder(probe.Ref));

        probe.ExpectMsgWithoutContext<OrderPlaced, string>(Tenant);
    }

    [Fact]
    public async Task Ask_FromTestBodyWithAmbientValue_CalleeSeesItAndCallerKeepsItsOwn()
    {
        var echo = Sys.ActorOf(Props.Create(() => new TenantEcho()));

        using (Tenant.Set("acme"))
        {
            var seen = await echo.Ask<string>("tenant?", TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

            Assert.Equal("acme", seen);
            Assert.Equal("acme", Tenant.Get());
        }
    }

    private sealed class TenantEcho : ReceiveActor
    {
        public TenantEcho() => Receive<string>(_ => Sender.Tell(Tenant.Get("none")));
    }
}
