using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;

namespace ActorContext.Benchmarks;

/// <summary>
/// Akka.Streams: an edge offers elements to <c>Source.Queue → Select → SelectAsync(Ask) → Sink</c>, each under its own
/// request context (perElement) or under none; a message is one element through the whole stream.
/// </summary>
/// <remarks>
/// The edge code is the same in both systems: it enters one of 64 prepared contexts for each element (a plain system
/// ignores them). It keeps at most half the queue's buffer ahead of the sink, so an offer never waits on another.
/// </remarks>
internal sealed class StreamPipeline : IScenarioRun
{
    private const int Buffer = 1024;
    private const int Ahead = Buffer / 2;
    private const int Contexts = 64;

    private readonly IActorRef _echo;
    private readonly ISourceQueueWithComplete<Scenarios.Msg> _queue;
    private readonly ExecutionContext?[] _contexts = new ExecutionContext?[Contexts];
    private readonly ContextCallback _offer;
    private readonly SemaphoreSlim _drained = new(0);
    private long _consumed;
    private long _target = long.MaxValue;
    private Task<IQueueOfferResult>? _lastOffer;

    public StreamPipeline(ActorSystem system, bool perElement)
    {
        _echo = system.ActorOf(Props.Create(() => new Echo()));
        var echo = _echo;
        _queue = Source.Queue<Scenarios.Msg>(Buffer, OverflowStrategy.Backpressure)
            .Select(static m => m)
            .SelectAsync(4, m => echo.Ask<Scenarios.Msg>(m))
            .To(Sink.ForEach<Scenarios.Msg>(_ =>
            {
                if (Interlocked.Increment(ref _consumed) == Volatile.Read(ref _target))
                {
                    _drained.Release();
                }
            }))
            .Run(system.Materializer());

        for (var i = 0; i < Contexts; i++)
        {
            if (perElement)
            {
                var id = $"req-{i:D4}";
                _contexts[i] = new MessageContext().Run(() =>
                {
                    EdgeContext.RequestId.Set(id);
                    return ExecutionContext.Capture();
                });
            }
        }

        _offer = state => _lastOffer = _queue.OfferAsync((Scenarios.Msg)state!);

        // The first offer waits for the stream to start; none of the measured ones do.
        _queue.OfferAsync(Scenarios.Msg.Instance).Wait();
        SpinWait.SpinUntil(() => Interlocked.Read(ref _consumed) == 1, TimeSpan.FromSeconds(30));
    }

    public long Run(long messages)
    {
        var start = Interlocked.Read(ref _consumed);
        Volatile.Write(ref _target, start + messages);
        for (long i = 0; i < messages; i++)
        {
            // Keep within the buffer: an offer to a full queue with one already waiting fails.
            while (i - (Interlocked.Read(ref _consumed) - start) >= Ahead)
            {
                Thread.SpinWait(20);
            }

            var context = _contexts[i & (Contexts - 1)];
            if (context is null)
            {
                _lastOffer = _queue.OfferAsync(Scenarios.Msg.Instance);
            }
            else
            {
                ExecutionContext.Run(context, _offer, Scenarios.Msg.Instance);
            }
        }

        _lastOffer?.Wait();
        if (!_drained.Wait(TimeSpan.FromSeconds(60)))
        {
            throw new TimeoutException($"the stream delivered {Interlocked.Read(ref _consumed) - start} of {messages} elements");
        }

        return messages;
    }

    public void Dispose()
    {
        _queue.Complete();
        _echo.GracefulStop(TimeSpan.FromSeconds(10)).Wait();
        _drained.Dispose();
    }

    private sealed class Echo : UntypedActor
    {
        protected override void OnReceive(object message) => Sender.Tell(message);
    }
}
