using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using ActorContext.Akka.Internal;
using Akka.Actor;
using Akka.Actor.Internal;

namespace ActorContext.Akka.Infrastructure;

/// <summary>
/// What a transport needs of the engine: the seam ActorContext.Remote uses for its providers, its ref to actors on
/// other nodes and its serializer.
/// </summary>
/// <remarks>
/// A message with a context travels inside the engine as an envelope (an opaque object here); a transport opens it to
/// serialize message and context apart, and builds one from what it read. For ActorContext packages; not for
/// applications; changes between versions, which is why ActorContext packages depend on each other at exactly one
/// version.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class TransportSupport
{
    /// <summary>Whether <paramref name="message"/> is a message with its context.</summary>
    /// <param name="message">A message as the engine hands it over.</param>
    /// <returns>True for an envelope.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsEnvelope(object message) => message is ContextEnvelope;

    /// <summary>Opens a message with its context into the two.</summary>
    /// <param name="message">A message as the engine hands it over.</param>
    /// <param name="inner">The user's message.</param>
    /// <param name="context">The context it carries.</param>
    /// <returns>False when <paramref name="message"/> is not an envelope.</returns>
    public static bool TryOpen(object message, [NotNullWhen(true)] out object? inner, [NotNullWhen(true)] out ContextSnapshot? context)
    {
        if (message is ContextEnvelope envelope)
        {
            inner = envelope.Message;
            context = envelope.Context;
            return true;
        }

        inner = null;
        context = null;
        return false;
    }

    /// <summary>A message with its context, as a transport delivers it to the engine.</summary>
    /// <param name="message">The user's message.</param>
    /// <param name="context">The context read with it.</param>
    /// <returns>The envelope.</returns>
    public static object Envelope(object message, ContextSnapshot context)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(context);
        return ContextEnvelope.Create(message, context);
    }

    /// <summary>
    /// A message whose context could not be read: the receiving actor sends it to dead letters with
    /// <paramref name="reason"/> logged instead of running without the context its sender meant it to have.
    /// </summary>
    /// <param name="message">The user's message.</param>
    /// <param name="reason">Why the context was rejected.</param>
    /// <returns>The message to deliver.</returns>
    public static object Rejected(object message, string reason)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(reason);
        return new RejectedContextMessage(message, reason);
    }

    /// <summary>
    /// <paramref name="message"/> with the context it is sent under (the sender's, or the one a buffering actor
    /// remembers for it), frozen for the wire; the message itself when there is none.
    /// </summary>
    /// <param name="message">The message being sent.</param>
    /// <param name="sender">The sender as the engine passes it (it may carry the context).</param>
    /// <returns>What to send.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static object Wrap(object message, IActorRef? sender) => MessageWithContext.Wrap(message, sender);

    /// <summary>The sender to hand to Akka: the engine may pass a sender that carries a context, which never crosses nodes.</summary>
    /// <param name="sender">The sender as the engine passes it.</param>
    /// <returns>The real sender.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static IActorRef? RealSender(IActorRef? sender) => MessageWithContext.RealSender(sender);

    /// <summary>Creates a local actor with the engine's context-aware ref and cell, as the engine's own provider does.</summary>
    /// <param name="system">The actor system.</param>
    /// <param name="deployer">The provider's deployer.</param>
    /// <param name="props">The actor's props.</param>
    /// <param name="supervisor">Its parent.</param>
    /// <param name="path">Its path.</param>
    /// <param name="deploy">The deployment asked for, if any.</param>
    /// <param name="lookupDeploy">Whether to look the deployment up in the configuration.</param>
    /// <param name="async">Whether the actor starts asynchronously.</param>
    /// <returns>The actor's ref.</returns>
    public static IInternalActorRef LocalActorOf(
        ActorSystemImpl system, Deployer deployer, Props props, IInternalActorRef supervisor, ActorPath path, Deploy? deploy, bool lookupDeploy, bool async) =>
        LocalRefFactory.ActorOf(system, deployer, props, supervisor, path, deploy, lookupDeploy, async);

    /// <summary>Fails the system's start when an Akka internal the engine relies on is missing in this Akka version.</summary>
    public static void EnsureAkkaInternals() => AkkaInternals.EnsurePresent();

    /// <summary>Runs a system's start-up code apart from the context and Activity of the code that creates the system.</summary>
    /// <param name="action">The start-up code.</param>
    public static void RunDetached(Action action)
    {
        ArgumentNullException.ThrowIfNull(action);
        Detached.Run(action);
    }
}
