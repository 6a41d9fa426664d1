using Akka.Actor;
using Akka.TestKit;

namespace ActorContext.TestKit;

/// <summary>
/// A test probe that remembers the context each received message carried, so a test can assert it.
/// </summary>
/// <remarks>
/// A plain <c>TestProbe</c> only queues messages; the context that was current while it received them is gone by
/// the time the test reads them. This probe records a copy of that context with each message. Create it with
/// <see cref="MessageContextTestKitExtensions.CreateContextProbe"/>; it works with any TestKit built on
/// <c>Akka.TestKit</c> (Akka.TestKit.Xunit2, Akka.Hosting.TestKit). A wrong context, or no message in time, throws
/// <see cref="ContextAssertionException"/>, which every test framework reports as a failure.
/// </remarks>
/// <example>
/// <code>
/// var probe = this.CreateContextProbe();
/// actor.TellWithContext(new Start(probe.Ref), RequestId, "r-1");
/// probe.ExpectMsgWithContext&lt;Done&gt;(RequestId, "r-1");
/// </code>
/// </example>
public sealed class ContextProbe
{
    private readonly TestProbe _queue;

    internal ContextProbe(TestKitBase testKit, string? name)
    {
        _queue = testKit.CreateTestProbe(name is null ? "context-probe-queue" : name + "-queue");
        Ref = name is null
            ? testKit.Sys.ActorOf(Props.Create(() => new RecordingActor(_queue.Ref)))
            : testKit.Sys.ActorOf(Props.Create(() => new RecordingActor(_queue.Ref)), name);
    }

    /// <summary>The ref to send messages to.</summary>
    public IActorRef Ref { get; }

    /// <summary>Waits for the next message, which must be a <typeparamref name="T"/>, and returns it with its context.</summary>
    /// <typeparam name="T">The expected message type.</typeparam>
    /// <param name="timeout">How long to wait; the TestKit's default when omitted.</param>
    /// <exception cref="ContextAssertionException">No message arrived in time, or it is not a <typeparamref name="T"/>.</exception>
    public ContextualMessage<T> ExpectMsg<T>(TimeSpan? timeout = null) => Receive<T>(timeout, $"a message of type {typeof(T).Name}");

    // The queue only ever holds the probe's own records, so a timeout reported by the TestKit would name the record
    // type; say instead what the test was waiting for.
    private ContextualMessage<T> Receive<T>(TimeSpan? timeout, string expected)
    {
        var max = _queue.RemainingOrDilated(timeout);
        if (!_queue.TryReceiveOne(out var envelope, max))
        {
            throw new ContextAssertionException($"Timeout ({max}) while waiting for {expected} at {Ref.Path}: no message arrived.");
        }

        var recorded = (Recorded)envelope.Message;
        if (recorded.Message is not T typed)
        {
            throw new ContextAssertionException(
                $"ContextProbe expected a message of type {typeof(T).Name} but received {recorded.Message.GetType().Name}: {recorded.Message}");
        }

        return new ContextualMessage<T>(typed, recorded.Context, recorded.Sender);
    }

    /// <summary>
    /// Waits for the next message, which must be a <typeparamref name="T"/> whose context holds
    /// <paramref name="expected"/> for <paramref name="var"/>.
    /// </summary>
    /// <typeparam name="T">The expected message type.</typeparam>
    /// <typeparam name="TValue">The var's value type.</typeparam>
    /// <param name="var">The var to check.</param>
    /// <param name="expected">The value the message's context must hold.</param>
    /// <param name="timeout">How long to wait; the TestKit's default when omitted.</param>
    /// <exception cref="ContextAssertionException">
    /// No message arrived in time (the message names the type, the var and the value waited for), it is not a
    /// <typeparamref name="T"/>, or its context does not hold <paramref name="expected"/>.
    /// </exception>
    public ContextualMessage<T> ExpectMsgWithContext<T, TValue>(ContextVar<TValue> var, TValue expected, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(var);
        var received = Receive<T>(timeout, $"{typeof(T).Name} whose context holds {var.Name} = '{expected}'");
        if (!received.Context.TryGetValue(var, out var actual))
        {
            throw new ContextAssertionException(
                $"Expected the context of {received.Message} to hold {var.Name} = '{expected}', but it has no value for it. Context: {received.Context}");
        }
        else if (!EqualityComparer<TValue>.Default.Equals(actual, expected))
        {
            throw new ContextAssertionException(
                $"Expected the context of {received.Message} to hold {var.Name} = '{expected}', but it holds '{actual}'. Context: {received.Context}");
        }

        return received;
    }

    /// <summary>
    /// Waits for the next message, which must be a <typeparamref name="T"/> whose context holds no value for
    /// <paramref name="var"/>.
    /// </summary>
    /// <typeparam name="T">The expected message type.</typeparam>
    /// <typeparam name="TValue">The var's value type.</typeparam>
    /// <param name="var">The var that must be absent.</param>
    /// <param name="timeout">How long to wait; the TestKit's default when omitted.</param>
    /// <exception cref="ContextAssertionException">
    /// No message arrived in time, it is not a <typeparamref name="T"/>, or its context holds a value for <paramref name="var"/>.
    /// </exception>
    public ContextualMessage<T> ExpectMsgWithoutContext<T, TValue>(ContextVar<TValue> var, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(var);
        var received = Receive<T>(timeout, $"{typeof(T).Name} whose context holds no value for {var.Name}");
        if (received.Context.TryGetValue(var, out var actual))
        {
            throw new ContextAssertionException(
                $"Expected the context of {received.Message} to hold no value for {var.Name}, but it holds '{actual}'.");
        }

        return received;
    }

    /// <summary>Asserts that no message arrives within <paramref name="duration"/>.</summary>
    /// <param name="duration">How long to watch.</param>
    public void ExpectNoMsg(TimeSpan duration) => _queue.ExpectNoMsg(duration);

    private sealed record Recorded(object Message, MessageContext Context, IActorRef Sender);

    private sealed class RecordingActor : UntypedActor
    {
        private readonly IActorRef _queue;

        public RecordingActor(IActorRef queue) => _queue = queue;

        // Runs with the received message's context current: copy it before it is gone.
        protected override void OnReceive(object message) =>
            _queue.Tell(new Recorded(message, MessageContext.CopyCurrent(), Sender), ActorRefs.NoSender);
    }
}
