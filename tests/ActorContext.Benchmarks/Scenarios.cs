using ActorContext.Akka;
using Akka.Actor;

namespace ActorContext.Benchmarks;

/// <summary>A scenario whose actors live in one actor system; <see cref="Run"/> can be called any number of times.</summary>
internal interface IScenarioRun : IDisposable
{
    /// <summary>Delivers about <paramref name="messages"/> actor messages and waits until all were handled.</summary>
    /// <returns>The number of messages actually delivered (what throughput and bytes are divided by).</returns>
    long Run(long messages);
}

/// <summary>One named scenario: how to set its actors up in a system.</summary>
/// <param name="Name">The name printed by the quick mode.</param>
/// <param name="Start">Creates the scenario's actors in a system.</param>
internal sealed record Scenario(string Name, Func<ActorSystem, IScenarioRun> Start);

/// <summary>
/// The actor scenarios shared by the quick mode and the BenchmarkDotNet suite. "Messages" always counts actor
/// deliveries (a tell handled by an actor), except for ask, where it counts completed asks (request + reply).
/// </summary>
internal static class Scenarios
{
    /// <summary>The user message: one shared instance, so plain runs allocate nothing per message for the payload.</summary>
    internal sealed class Msg
    {
        public static readonly Msg Instance = new();

        /// <summary>The shared instance, or a new one per call when <see cref="FreshMessages"/> is set.</summary>
        public static Msg Next() => FreshMessages ? new Msg() : Instance;
    }

    internal static int PingPongPairs { get; } = Math.Max(2, Environment.ProcessorCount);

    /// <summary>Messages each ping-pong client keeps in flight (Akka's own PingPong benchmark uses up to 1000).</summary>
    internal static int PingPongInFlight { get; set; } = 1000;

    internal static int ChainLength => 5;

    internal static int AskWindow => 1000;

    /// <summary>How far a flooding edge may run ahead of the counting actor (see <see cref="Completion.Throttle"/>).</summary>
    internal static long MaxBacklog { get; set; } = 200_000;

    /// <summary>
    /// When set, the edge allocates a new message per tell instead of reusing one instance (both systems then
    /// allocate per message, as real code does); off by default, the harshest case for propagation's wrapper.
    /// </summary>
    internal static bool FreshMessages { get; set; }

    /// <summary>How many tells a flooding edge makes between two backlog checks.</summary>
    internal const int ThrottleEvery = 16 * 1024;

    /// <summary>The scenarios, in the order the quick mode prints them.</summary>
    internal static IReadOnlyList<Scenario> All { get; } =
    [
        new("one-way-ctx", static s => Pick(s, static s => new Scenarios<PlainSystem>.OneWay(s, withVars: true), static s => new Scenarios<ContextSystem>.OneWay(s, withVars: true))),
        new("one-way-empty", static s => Pick(s, static s => new Scenarios<PlainSystem>.OneWay(s, withVars: false), static s => new Scenarios<ContextSystem>.OneWay(s, withVars: false))),
        new("ping-pong-ctx", static s => Pick(s, static s => new Scenarios<PlainSystem>.PingPong(s, withVars: true), static s => new Scenarios<ContextSystem>.PingPong(s, withVars: true))),
        new("ping-pong-empty", static s => Pick(s, static s => new Scenarios<PlainSystem>.PingPong(s, withVars: false), static s => new Scenarios<ContextSystem>.PingPong(s, withVars: false))),
        new("chain5-ctx", static s => Pick(s, static s => new Scenarios<PlainSystem>.Chain(s, withVars: true), static s => new Scenarios<ContextSystem>.Chain(s, withVars: true))),
        new("ask-ctx", static s => Pick(s, static s => new Scenarios<PlainSystem>.Ask(s, withVars: true), static s => new Scenarios<ContextSystem>.Ask(s, withVars: true))),
        new("stream-ctx", static s => new StreamPipeline(s, perElement: true)),
        new("stream-empty", static s => new StreamPipeline(s, perElement: false)),
    ];

    /// <summary>
    /// Scenarios the quick mode runs last (after <c>remote-roundtrip-ctx</c>): once an Activity has been current, every
    /// send in the process reads <c>Activity.Current</c>, which the scenarios above must not pay.
    /// </summary>
    internal static IReadOnlyList<Scenario> Last { get; } =
    [
        new("one-way-traced", static s => Pick(s, static s => new Scenarios<PlainSystem>.OneWay(s, withVars: true, traced: true), static s => new Scenarios<ContextSystem>.OneWay(s, withVars: true, traced: true))),
    ];

    /// <summary>
    /// Scenarios measured one system per process only (<c>--solo</c>, <c>--per-process</c>), never in the quick mode's
    /// shared process: <c>one-way-spans</c> installs a TracerProvider, which would change every scenario measured after it.
    /// </summary>
    internal static IReadOnlyList<Scenario> PerProcessOnly { get; } =
    [
        new(OneWaySpans.Name, static s => new OneWaySpans(s)),
        new(Pipeline.Name, static s => new Pipeline(s)),
    ];

    /// <summary>
    /// Starts the plain or the propagating instantiation. The two are distinct generic instantiations over value
    /// types, so the JIT compiles (and profiles) the benchmark's own send loops and actors separately for each
    /// system: a call site like <c>actor.Tell(...)</c> then only ever sees one kind of ref, and dynamic PGO cannot
    /// favour one system's ref type at the other's expense. (Akka's own code is still shared by both.)
    /// </summary>
    private static IScenarioRun Pick(ActorSystem system, Func<ActorSystem, IScenarioRun> plain, Func<ActorSystem, IScenarioRun> ctx) =>
        system.IsMessageContextEnabled() ? ctx(system) : plain(system);
}

/// <summary>Marks the instantiation of <see cref="Scenarios{TSystem}"/> used with a plain actor system.</summary>
internal struct PlainSystem
{
}

/// <summary>Marks the instantiation of <see cref="Scenarios{TSystem}"/> used with a propagating actor system.</summary>
internal struct ContextSystem
{
}

/// <summary>The scenario runs and their actors, instantiated once per kind of system (see <c>Scenarios.Pick</c>).</summary>
/// <typeparam name="TSystem"><see cref="PlainSystem"/> or <see cref="ContextSystem"/>.</typeparam>
internal static class Scenarios<TSystem>
    where TSystem : struct
{
    /// <summary>
    /// The edge sets the vars (or not) and tells N messages to one counting actor; <c>traced</c>: under a running
    /// Activity too (nobody listening, as in an app whose web framework starts one per request).
    /// </summary>
    internal sealed class OneWay : IScenarioRun
    {
        private readonly bool _withVars;
        private readonly bool _traced;
        private readonly Completion _completion = new();
        private readonly IActorRef _counter;

        public OneWay(ActorSystem system, bool withVars, bool traced = false)
        {
            _withVars = withVars;
            _traced = traced;
            _counter = system.ActorOf(Props.Create(() => new Counter(_completion)));
        }

        public long Run(long messages)
        {
            _completion.Arm(1);
            _counter.Tell(new Expect(messages), ActorRefs.NoSender);
            using (var edge = _traced ? new System.Diagnostics.Activity("edge").Start() : null)
            {
                using (EdgeContext.Enter(_withVars))
                {
                    for (var i = 1L; i <= messages; i++)
                    {
                        _counter.Tell(Scenarios.Msg.Next(), ActorRefs.NoSender);
                        if (i % Scenarios.ThrottleEvery == 0)
                        {
                            _completion.Throttle(i, Scenarios.MaxBacklog);
                        }
                    }
                }

                // The edge's Activity runs until the last message was handled, so every receiver runs under it. Stopped
                // right after the sends, the backlog still queued (up to MaxBacklog messages) would run under stand-in
                // Activities instead, an Activity each: a different cost (see the benchmarks README).
                _completion.Wait();
            }

            return messages;
        }

        public void Dispose()
        {
            _counter.GracefulStop(TimeSpan.FromSeconds(10)).Wait();
            _completion.Dispose();
        }
    }

    /// <summary>
    /// <see cref="Scenarios.PingPongPairs"/> client/echo pairs bounce messages; the edge starts every client with the vars set
    /// (or not), and each client keeps up to <see cref="Scenarios.PingPongInFlight"/> messages in flight, as Akka's PingPong does.
    /// </summary>
    internal sealed class PingPong : IScenarioRun
    {
        private readonly bool _withVars;
        private readonly Completion _completion = new();
        private readonly IActorRef[] _clients;
        private readonly IActorRef[] _echoes;

        public PingPong(ActorSystem system, bool withVars)
        {
            _withVars = withVars;
            _echoes = new IActorRef[Scenarios.PingPongPairs];
            _clients = new IActorRef[Scenarios.PingPongPairs];
            for (var i = 0; i < Scenarios.PingPongPairs; i++)
            {
                var echo = system.ActorOf(Props.Create(() => new Echo()));
                _echoes[i] = echo;
                _clients[i] = system.ActorOf(Props.Create(() => new PingClient(echo, _completion)));
            }
        }

        public long Run(long messages)
        {
            // Each round trip is two deliveries (client -> echo -> client).
            var repeat = Math.Max(1, messages / (2 * _clients.Length));
            _completion.Arm(_clients.Length);
            using (EdgeContext.Enter(_withVars))
            {
                var start = new StartPing(repeat, Scenarios.PingPongInFlight);
                foreach (var client in _clients)
                {
                    client.Tell(start, ActorRefs.NoSender);
                }
            }

            _completion.Wait();
            return 2 * repeat * _clients.Length;
        }

        public void Dispose()
        {
            Task.WaitAll([.. _clients.Concat(_echoes).Select(static a => a.GracefulStop(TimeSpan.FromSeconds(10)))]);
            _completion.Dispose();
        }
    }

    /// <summary>The edge tells N messages into the first of <see cref="Scenarios.ChainLength"/> actors; each forwards to the next.</summary>
    internal sealed class Chain : IScenarioRun
    {
        private readonly bool _withVars;
        private readonly Completion _completion = new();
        private readonly IActorRef[] _actors;

        public Chain(ActorSystem system, bool withVars)
        {
            _withVars = withVars;
            _actors = new IActorRef[Scenarios.ChainLength];
            _actors[^1] = system.ActorOf(Props.Create(() => new Counter(_completion)));
            for (var i = Scenarios.ChainLength - 2; i >= 0; i--)
            {
                var next = _actors[i + 1];
                _actors[i] = system.ActorOf(Props.Create(() => new Forwarder(next)));
            }
        }

        public long Run(long messages)
        {
            var perChain = Math.Max(1, messages / Scenarios.ChainLength);
            _completion.Arm(1);

            // Sent straight to the last actor, so it is queued there before any message can come down the chain.
            _actors[^1].Tell(new Expect(perChain), ActorRefs.NoSender);
            using (EdgeContext.Enter(_withVars))
            {
                var first = _actors[0];
                for (var i = 1L; i <= perChain; i++)
                {
                    first.Tell(Scenarios.Msg.Next(), ActorRefs.NoSender);
                    if (i % Scenarios.ThrottleEvery == 0)
                    {
                        // Bounds what is queued along the whole chain, since the count is taken at its end.
                        _completion.Throttle(i, Scenarios.MaxBacklog);
                    }
                }
            }

            _completion.Wait();
            return perChain * Scenarios.ChainLength;
        }

        public void Dispose()
        {
            Task.WaitAll([.. _actors.Select(static a => a.GracefulStop(TimeSpan.FromSeconds(10)))]);
            _completion.Dispose();
        }
    }

    /// <summary>The edge asks one echo actor, <see cref="Scenarios.AskWindow"/> asks at a time.</summary>
    internal sealed class Ask : IScenarioRun
    {
        private readonly bool _withVars;
        private readonly IActorRef _echo;
        private readonly Task<object>[] _window = new Task<object>[Scenarios.AskWindow];

        public Ask(ActorSystem system, bool withVars)
        {
            _withVars = withVars;
            _echo = system.ActorOf(Props.Create(() => new Echo()));
        }

        public long Run(long messages)
        {
            var done = 0L;
            using (EdgeContext.Enter(_withVars))
            {
                while (done < messages)
                {
                    var batch = (int)Math.Min(_window.Length, messages - done);
                    for (var i = 0; i < batch; i++)
                    {
                        _window[i] = _echo.Ask<object>(Scenarios.Msg.Next());
                    }

                    for (var i = 0; i < batch; i++)
                    {
                        _window[i].GetAwaiter().GetResult();
                    }

                    done += batch;
                }
            }

            return done;
        }

        public void Dispose() => _echo.GracefulStop(TimeSpan.FromSeconds(10)).Wait();
    }

    /// <summary>Tells a counting actor how many messages complete the next run.</summary>
    internal sealed record Expect(long Count);

    /// <summary>Starts a ping-pong client: <paramref name="Repeat"/> round trips, <paramref name="InFlight"/> at a time.</summary>
    internal sealed record StartPing(long Repeat, int InFlight);

    private sealed class Counter(Completion completion) : UntypedActor
    {
        private long _expected = -1;
        private long _count;

        protected override void OnReceive(object message)
        {
            if (message is Expect expect)
            {
                _expected = expect.Count;
                _count = 0;
                return;
            }

            if ((++_count & 1023) == 0)
            {
                completion.Publish(_count);
            }

            if (_count == _expected)
            {
                _expected = -1;
                completion.Signal();
            }
        }
    }

    private sealed class Forwarder(IActorRef next) : UntypedActor
    {
        protected override void OnReceive(object message) => next.Tell(message, Self);
    }

    private sealed class Echo : UntypedActor
    {
        protected override void OnReceive(object message) => Sender.Tell(message, Self);
    }

    private sealed class PingClient(IActorRef echo, Completion completion) : UntypedActor
    {
        private long _repeat;
        private long _sent;
        private long _received;

        protected override void OnReceive(object message)
        {
            if (message is StartPing start)
            {
                _repeat = start.Repeat;
                _sent = 0;
                _received = 0;
                var burst = Math.Min(start.InFlight, _repeat);
                for (var i = 0; i < burst; i++)
                {
                    echo.Tell(Scenarios.Msg.Instance, Self);
                    _sent++;
                }

                return;
            }

            _received++;
            if (_sent < _repeat)
            {
                echo.Tell(Scenarios.FreshMessages ? Scenarios.Msg.Next() : message, Self);
                _sent++;
            }
            else if (_received == _repeat)
            {
                completion.Signal();
            }
        }
    }
}
