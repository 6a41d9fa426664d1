using ActorContext.Akka.Internal;
using Akka.Actor;
using Xunit.Abstractions;

namespace ActorContext.Akka.Tests;

/// <summary>
/// An actor that sends on the message it is handling, under the context it arrived with (with itself, no one or the
/// original sender as sender), reuses the envelope the message arrived in instead of allocating another; another
/// message or a changed context gets a new one.
/// </summary>
public class EnvelopeReuseTests(ITestOutputHelper output) : PropagationTestKit(output)
{
    private sealed record Ping(int N);

    /// <summary>What a send from inside Receive would deliver, compared with the envelope being handled.</summary>
    private sealed record Seen(bool SameMessageSelf, bool OtherMessageSelf, bool SameMessageNoSender, bool SameMessageForward, bool AfterSet, string IdInNewEnvelope);

    private sealed class Inspector : UntypedActor
    {
        protected override void OnReceive(object message)
        {
            var handling = ((ActorCell)Context).CurrentMessage;
            var sameMessageSelf = Propagation.Wrap(message, Self);
            var otherMessageSelf = Propagation.Wrap(new Ping(-1), Self);
            var sameMessageNoSender = Propagation.Wrap(message, ActorRefs.NoSender);
            var sameMessageForward = Propagation.Wrap(message, Sender);
            string idInNewEnvelope;
            object afterSet;
            var token = RequestId.Set("changed-in-receive");
            try
            {
                afterSet = Propagation.Wrap(message, Self);
                idInNewEnvelope = afterSet is ContextEnvelope changed ? IdCarriedBy(changed) : "missing";
            }
            finally
            {
                RequestId.Reset(token);
            }

            Sender.Tell(new Seen(
                ReferenceEquals(sameMessageSelf, handling),
                ReferenceEquals(otherMessageSelf, handling),
                ReferenceEquals(sameMessageNoSender, handling),
                ReferenceEquals(sameMessageForward, handling),
                ReferenceEquals(afterSet, handling),
                idInNewEnvelope));
        }
    }

    [Fact]
    public void SendFromReceive_SameMessageAndContext_ReusesTheEnvelopeWhateverTheSender()
    {
        var inspector = Sys.ActorOf(Props.Create(() => new Inspector()));

        WithId("reuse", () => inspector.Tell(new Ping(1), TestActor));

        var seen = ExpectMsg<Seen>();
        Assert.True(seen.SameMessageSelf, "the same message under the same context, sent with Self, should reuse the envelope");
        Assert.True(seen.SameMessageNoSender, "no sender");
        Assert.True(seen.SameMessageForward, "a forward (the original sender, not one of this library's refs)");
        Assert.False(seen.OtherMessageSelf);
        Assert.False(seen.AfterSet);
        Assert.Equal("changed-in-receive", seen.IdInNewEnvelope);
    }

    private sealed class Relay(IActorRef next) : UntypedActor
    {
        protected override void OnReceive(object message) => next.Tell(message, Self);
    }

    private sealed class Report(IActorRef probe) : UntypedActor
    {
        protected override void OnReceive(object message) => probe.Tell((((ActorCell)Context).CurrentMessage!, SeenId()));
    }

    [Fact]
    public void Chain_ReusedEnvelope_StillCarriesTheContextAndNoActorKeepsItAfterReceive()
    {
        var last = Sys.ActorOf(Props.Create(() => new Report(TestActor)));
        var middle = Sys.ActorOf(Props.Create(() => new Relay(last)));
        var first = Sys.ActorOf(Props.Create(() => new Relay(middle)));
        var message = new Ping(2);

        WithId("chain", () => first.Tell(message));

        var (delivered, id) = ExpectMsg<(object, string)>();
        Assert.Equal("chain", id);
        var envelope = Assert.IsType<ContextEnvelope>(delivered);
        Assert.Same(message, envelope.Message);

        // Receive has returned everywhere along the chain: no cell holds a message it is no longer handling.
        AwaitAssert(() =>
        {
            foreach (var actor in new[] { first, middle, last })
            {
                Assert.Null(ReceivedOf(actor));
            }
        });
    }

    private static ContextEnvelope? ReceivedOf(IActorRef actor) => actor switch
    {
        ContextRepointableActorRef repointable => repointable.Received,
        ContextLocalActorRef local => local.Received,
        _ => throw new InvalidOperationException($"not a context-aware ref: {actor.GetType()}"),
    };
}
