using Akka.Actor;
using Akka.Event;

namespace ActorContext.AspNetCore.Tests;

/// <summary>
/// Three hops behind an endpoint: the endpoint Asks the first, which Tells the second, which PipeTos a task's result to
/// itself and answers. Each hop logs <c>hop ask|tell|pipe</c> with Akka's logger and adds the request ID it read from
/// its own context to the answer: <c>ask-id,tell-id,pipe-id</c>. No message carries the ID.
/// </summary>
internal static class HopChain
{
    public const string Missing = "(none)";

    public static IActorRef Start(ActorSystem system)
    {
        var tell = system.ActorOf(Props.Create(() => new TellHop()), "tell-hop");
        return system.ActorOf(Props.Create(() => new AskHop(tell)), "ask-hop");
    }

    public sealed record Order;

    private sealed record Step(IActorRef ReplyTo, string Seen);

    private sealed record Piped(IActorRef ReplyTo, string Seen);

    private static string Seen() => WebEdge.RequestId.Get(Missing);

    private sealed class AskHop : ReceiveActor
    {
        public AskHop(IActorRef next)
        {
            var log = Context.GetLogger();
            Receive<Order>(_ =>
            {
                log.Info("hop ask");
                next.Tell(new Step(Sender, Seen()));
            });
        }
    }

    private sealed class TellHop : ReceiveActor
    {
        public TellHop()
        {
            var log = Context.GetLogger();
            Receive<Step>(step =>
            {
                log.Info("hop tell");
                var seen = $"{step.Seen},{Seen()}";
                Task.Run(async () =>
                {
                    await Task.Yield();
                    return new Piped(step.ReplyTo, seen);
                }).PipeTo(Self);
            });
            Receive<Piped>(piped =>
            {
                log.Info("hop pipe");
                piped.ReplyTo.Tell($"{piped.Seen},{Seen()}");
            });
        }
    }
}
