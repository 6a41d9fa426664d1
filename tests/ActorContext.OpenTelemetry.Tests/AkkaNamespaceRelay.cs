using Akka.Actor;

// In an Akka.* namespace on purpose: propagation treats such actors as Akka's own (no hop span, no drop of expired
// messages), like the remoting endpoints, sharding regions and pub/sub mediators they stand for in tests.
namespace Akka.ActorContextTestSupport;

/// <summary>Forwards everything to its target, as Akka's infrastructure actors pass messages on.</summary>
public sealed class Relay : ReceiveActor
{
    public Relay(IActorRef target, ManualResetEventSlim? gate = null) =>
        ReceiveAny(m =>
        {
            gate?.Wait(TimeSpan.FromSeconds(5));
            target.Forward(m);
        });
}
