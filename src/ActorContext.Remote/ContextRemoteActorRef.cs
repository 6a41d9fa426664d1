using ActorContext.Akka.Infrastructure;
using Akka.Actor;
using Akka.Remote;

namespace ActorContext.Remote;

/// <summary>A ref to an actor on another node that captures the sender's context with every message.</summary>
/// <remarks>
/// Only messages for actors whose cell on the other node unwraps the context are wrapped: user and system actors
/// (and children deployed remotely). Temporary Ask actors, guardians, the remote daemon and dead letters receive
/// messages exactly as Akka sends them.
/// </remarks>
internal sealed class ContextRemoteActorRef : RemoteActorRef, IContextAwareRef
{
    private readonly bool _unwrapsOnArrival;

    public ContextRemoteActorRef(RemoteTransport remote, Address localAddressToUse, ActorPath path, IInternalActorRef parent, Props props, Deploy deploy)
        : base(remote, localAddressToUse, path, parent, props, deploy)
    {
        _unwrapsOnArrival = UnwrapsOnArrival(path.Elements);
    }

    internal static bool UnwrapsOnArrival(IReadOnlyList<string> elements) =>
        elements.Count >= 2 && elements[0] is "user" or "system" or "remote";

    protected override void TellInternal(object message, IActorRef sender)
    {
        if (_unwrapsOnArrival)
        {
            message = TransportSupport.Wrap(message, sender);
        }
        else if (message is ActorSelectionMessage selection && !TransportSupport.IsEnvelope(selection.Message) && TargetsUnwrappingActor(selection))
        {
            // A selection travels as one message to the root of the other node, which delivers its content to the
            // selected actors there: carry the context inside it.
            var wrapped = TransportSupport.Wrap(selection.Message, sender);
            if (!ReferenceEquals(wrapped, selection.Message))
            {
                message = new ActorSelectionMessage(wrapped, selection.Elements, selection.WildCardFanOut);
            }
        }

        // A carrier never crosses nodes: its context is in the envelope now (Wrap reads it from the carrier).
        base.TellInternal(message, TransportSupport.RealSender(sender)!);
    }

    private bool TargetsUnwrappingActor(ActorSelectionMessage selection)
    {
        var names = Path.Elements.Concat(selection.Elements.Select(static e => e.ToString() ?? string.Empty)).ToList();
        return UnwrapsOnArrival(names);
    }
}
