using ActorContext.Akka.Internal;
using Akka.Actor;
using Akka.Event;

namespace ActorContext.Akka.Tests;

/// <summary>
/// Regression: a DeadLetter published under a context to a subscriber that had stopped was wrapped, so Akka did not
/// recognise it as a dead letter, turned it into a new one, published that again, and overflowed the stack.
/// </summary>
public class DeadLetterWrappingTests
{
    private sealed class Quiet : IDeadLetterSuppression
    {
    }

    [Fact]
    public void Wrap_DeadLettersUnderAContext_StayBare()
    {
        new MessageContext().Run(() =>
        {
            PropagationTestKit.RequestId.Set("r-dead");
            var dead = new DeadLetter("lost", ActorRefs.Nobody, ActorRefs.Nobody);
            var suppressed = new SuppressedDeadLetter(new Quiet(), ActorRefs.Nobody, ActorRefs.Nobody);

            Assert.Same(dead, MessageWithContext.Wrap(dead, ActorRefs.NoSender));
            Assert.Same(suppressed, MessageWithContext.Wrap(suppressed, ActorRefs.NoSender));
            Assert.IsAssignableFrom<ContextEnvelope>(MessageWithContext.Wrap("an ordinary message", ActorRefs.NoSender));

            // Local tells carry the context in the sender slot: never for dead letters either.
            Assert.Null(MessageWithContext.Carry(dead, ActorRefs.NoSender));
            Assert.Same(ActorRefs.Nobody, MessageWithContext.Carry(suppressed, ActorRefs.Nobody));
            Assert.IsType<SenderSlotCarrier>(MessageWithContext.Carry("an ordinary message", ActorRefs.NoSender));
        });
    }
}
