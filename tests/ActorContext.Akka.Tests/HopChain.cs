using System.Collections.Immutable;
using Akka.Actor;

namespace ActorContext.Akka.Tests;

/// <summary>What travels along a hop chain: each hop appends what it read from its context.</summary>
internal sealed record HopTrace(ImmutableList<string> Hops)
{
    public static HopTrace Start => new(ImmutableList<string>.Empty);
}

/// <summary>What one hop does: record, change the context if asked, tell the next hop, optionally signal or wait and re-read.</summary>
internal sealed record HopSpec(
    string Name,
    Action? Change = null,
    ManualResetEventSlim? SignalAfterSend = null,
    ManualResetEventSlim? WaitAfterSend = null,
    IActorRef? AfterProbe = null);

/// <summary>
/// Chains of plain actors (alternately <see cref="ReceiveActor"/> and <see cref="UntypedActor"/>) that record what
/// each hop reads from its context, shared by the propagation scenario tests.
/// </summary>
internal static class HopChain
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Builds the chain (first spec first) ending at <paramref name="end"/>; each hop records
    /// <c>name + separator + read()</c>. Named chains name each actor after its spec.
    /// </summary>
    public static IActorRef Build(ActorSystem system, IActorRef end, Func<string> read, string separator, bool named, params HopSpec[] specs)
    {
        var next = end;
        for (var i = specs.Length - 1; i >= 0; i--)
        {
            var hop = new Hop(specs[i], next, read, separator);
            var props = i % 2 == 0
                ? Props.Create(() => new ReceiveHop(hop))
                : Props.Create(() => new UntypedHop(hop));
            next = named ? system.ActorOf(props, hop.Spec.Name) : system.ActorOf(props);
        }

        return next;
    }

    private sealed record Hop(HopSpec Spec, IActorRef Next, Func<string> Read, string Separator)
    {
        public void Handle(HopTrace trace)
        {
            var hops = trace.Hops.Add($"{Spec.Name}{Separator}{Read()}");
            Spec.Change?.Invoke();
            Next.Tell(new HopTrace(hops));
            Spec.SignalAfterSend?.Set();
            if (Spec.WaitAfterSend is not null)
            {
                // Re-read this hop's context after every later hop has run (and one of them changed it).
                var completed = Spec.WaitAfterSend.Wait(s_timeout);
                Spec.AfterProbe!.Tell($"{Spec.Name}-after{Separator}{Read()}{(completed ? string.Empty : " (chain did not complete)")}");
            }
        }
    }

    private sealed class ReceiveHop : ReceiveActor
    {
        public ReceiveHop(Hop hop) => Receive<HopTrace>(hop.Handle);
    }

    private sealed class UntypedHop(Hop hop) : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            if (message is HopTrace trace)
            {
                hop.Handle(trace);
            }
            else
            {
                Unhandled(message);
            }
        }
    }
}
