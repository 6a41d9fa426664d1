using Akka.Actor;

namespace ActorContext.TestKit;

/// <summary>A message a <see cref="ContextProbe"/> received, with the context it carried and its sender.</summary>
/// <typeparam name="T">The message type.</typeparam>
/// <param name="Message">The user's message.</param>
/// <param name="Context">A copy of the context that was current while the probe received the message.</param>
/// <param name="Sender">The sender, so a test can reply.</param>
public sealed record ContextualMessage<T>(T Message, MessageContext Context, IActorRef Sender);
