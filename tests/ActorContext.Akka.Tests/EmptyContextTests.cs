using ActorContext.Akka.Internal;
using Akka.Actor;
using Xunit.Abstractions;

namespace ActorContext.Akka.Tests;

/// <summary>
/// A message sent with no context, or an empty one, travels as it is: no wrapper, no allocation. Akka's
/// auto-received messages are never wrapped, whatever the context.
/// </summary>
public class EmptyContextTests(ITestOutputHelper output) : PropagationTestKit(output)
{
    private sealed record Ping(int N);

    private sealed record Quiet(int N) : INotInfluenceReceiveTimeout;

    /// <summary>Runs <paramref name="action"/> on a thread-pool thread whose ExecutionContext holds nothing at all.</summary>
    private static void InNoContext(Action action)
    {
        Task task;
        using (ExecutionContext.SuppressFlow())
        {
            task = Task.Run(action);
        }

        task.GetAwaiter().GetResult();
    }

    [Fact]
    public void Wrap_NoContextEverSet_ReturnsTheSameInstance()
    {
        InNoContext(() =>
        {
            Assert.False(RequestId.TryGet(out _));
            Assert.False(MessageContext.CopyCurrent().Any());

            var message = new Ping(1);
            Assert.Same(message, MessageWithContext.Wrap(message, ActorRefs.NoSender));
        });
    }

    [Fact]
    public void Wrap_InsideEmptyMessageContext_ReturnsTheSameInstance()
    {
        var message = new Ping(2);
        object? wrapped = null;

        new MessageContext().Run(() => wrapped = MessageWithContext.Wrap(message, ActorRefs.NoSender));

        Assert.Same(message, wrapped);
    }

    [Fact]
    public void Wrap_AfterTheOnlyVarWasSetAndReset_ReturnsTheSameInstance()
    {
        var message = new Ping(3);
        object? wrapped = null;

        new MessageContext().Run(() =>
        {
            var token = RequestId.Set("temporary");
            RequestId.Reset(token);
            wrapped = MessageWithContext.Wrap(message, ActorRefs.NoSender);
        });

        Assert.Same(message, wrapped);
    }

    [Fact]
    public void Wrap_NonEmptyContext_ReturnsEnvelopeCarryingTheMessageAndContext()
    {
        var message = new Ping(4);
        object? wrapped = null;

        WithId("wrapped-id", () => wrapped = MessageWithContext.Wrap(message, ActorRefs.NoSender));

        var envelope = Assert.IsAssignableFrom<ContextEnvelope>(wrapped);
        Assert.Same(message, envelope.Message);
        Assert.Equal("wrapped-id", IdCarriedBy(envelope));
        Assert.Same(message, MessageWithContext.Unwrap(envelope, out _, out _));
    }

    [Fact]
    public void Wrap_NonEmptyContextWithoutRequestId_StillWraps()
    {
        var message = new Ping(5);
        object? wrapped = null;

        new MessageContext().Run(() =>
        {
            Tenant.Set("acme");
            wrapped = MessageWithContext.Wrap(message, ActorRefs.NoSender);
        });

        var envelope = Assert.IsAssignableFrom<ContextEnvelope>(wrapped);
        Assert.Same(message, envelope.Message);
        Assert.Equal("none", IdCarriedBy(envelope));
    }

    [Fact]
    public void Wrap_AlreadyWrappedMessage_IsNotWrappedTwice()
    {
        object? first = null;
        object? second = null;

        WithId("outer", () => first = MessageWithContext.Wrap(new Ping(6), ActorRefs.NoSender));
        WithId("other", () => second = MessageWithContext.Wrap(first!, ActorRefs.NoSender));

        Assert.Same(first, second);
    }

    [Fact]
    public void Wrap_MessageNotInfluencingReceiveTimeout_EnvelopeKeepsThatMarker()
    {
        object? wrapped = null;

        WithId("quiet", () => wrapped = MessageWithContext.Wrap(new Quiet(7), ActorRefs.NoSender));

        Assert.IsAssignableFrom<ContextEnvelope>(wrapped);
        Assert.IsAssignableFrom<INotInfluenceReceiveTimeout>(wrapped);
    }

    public static TheoryData<string> AutoReceivedMessages() =>
        new() { "PoisonPill", "Kill", "Identify", "ActorSelectionMessage", "Terminated", "ReceiveTimeout" };

    private object CreateAutoReceived(string name) => name switch
    {
        "PoisonPill" => PoisonPill.Instance,
        "Kill" => Kill.Instance,
        "Identify" => new Identify("corr"),
        "ActorSelectionMessage" => new ActorSelectionMessage(new Ping(8), [new SelectChildName("someone")]),
        "Terminated" => new Terminated(TestActor, existenceConfirmed: true, addressTerminated: false),
        "ReceiveTimeout" => ReceiveTimeout.Instance,
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Theory]
    [MemberData(nameof(AutoReceivedMessages))]
    public void Wrap_AkkaAutoReceivedMessageUnderNonEmptyContext_ReturnsTheSameInstance(string name)
    {
        var message = CreateAutoReceived(name);
        object? wrapped = null;

        WithId("ctx", () => wrapped = MessageWithContext.Wrap(message, ActorRefs.NoSender));

        Assert.Same(message, wrapped);
    }

    [Fact]
    public void Wrap_EmptyContext_AllocatesNothing()
    {
        var message = new Ping(9);
        long allocated = -1;

        new MessageContext().Run(() =>
        {
            for (var i = 0; i < 100; i++)
            {
                MessageWithContext.Wrap(message, ActorRefs.NoSender); // warm up (tiered JIT)
            }

            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 10_000; i++)
            {
                if (!ReferenceEquals(MessageWithContext.Wrap(message, ActorRefs.NoSender), message))
                {
                    throw new InvalidOperationException("wrapped");
                }
            }

            allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        });

        Assert.Equal(0, allocated);
    }

    private sealed record Got(object Message, string Id);

    private sealed class Echo : ReceiveActor
    {
        public Echo(IActorRef probe) => ReceiveAny(m => probe.Tell(new Got(m, SeenId())));
    }

    [Fact]
    public void Tell_FromEmptyContextAfterAContextMessage_ReceiverGetsTheSameInstanceAndNoContext()
    {
        var echo = Sys.ActorOf(Props.Create(() => new Echo(TestActor)));
        var first = new Ping(10);
        var second = new Ping(11);

        WithId("before", () => echo.Tell(first));
        new MessageContext().Run(() => echo.Tell(second));

        var got = ExpectMsg<Got>(TimeSpan.FromSeconds(5));
        Assert.Same(first, got.Message);
        Assert.Equal("before", got.Id);
        got = ExpectMsg<Got>(TimeSpan.FromSeconds(5));
        Assert.Same(second, got.Message);
        Assert.Equal("none", got.Id);
    }
}
