using System.Globalization;
using ActorContext.Akka;
using Akka.Actor;
using Akka.Configuration;

namespace ActorContext.Benchmarks;

/// <summary>
/// The vars the edge sets before the <c>remote-roundtrip-ctx</c> scenario: distributed, since only those cross nodes.
/// Distributed var names identify the var on other nodes and must be unique in the process.
/// </summary>
internal static class RemoteEdgeContext
{
    internal const string RequestIdValue = "req-0001";
    internal const int AttemptValue = 3;

    internal static readonly ContextVar<string> RequestId = new("bench-remote-request-id", ContextScope.Distributed);
    internal static readonly ContextVar<Guid> CorrelationId = new("bench-remote-correlation-id", ContextScope.Distributed);
    internal static readonly ContextVar<int> Attempt = new("bench-remote-attempt", ContextScope.Distributed);

    internal static readonly Guid CorrelationIdValue = new("0af76519-16cd-43dd-8448-eb211c80319c");

    /// <summary>What the echo reports for a probe when it sees the edge's context.</summary>
    internal static string Expected => Describe(RequestIdValue, CorrelationIdValue, AttemptValue);

    /// <summary>What the echo reports for a probe when its context holds none of the vars.</summary>
    internal static string Missing => Describe("none", Guid.Empty, 0);

    /// <summary>The three vars as the echo reads them from its current context.</summary>
    internal static string Current() => Describe(RequestId.Get("none"), CorrelationId.Get(Guid.Empty), Attempt.Get(0));

    /// <summary>Sets the three distributed vars when <paramref name="withVars"/> is true; disposing resets them.</summary>
    internal static Scope Enter(bool withVars) =>
        withVars
            ? new Scope(RequestId.Set(RequestIdValue), CorrelationId.Set(CorrelationIdValue), Attempt.Set(AttemptValue))
            : default;

    private static string Describe(string requestId, Guid correlationId, int attempt) =>
        string.Create(CultureInfo.InvariantCulture, $"{requestId}|{correlationId:D}|{attempt}");

    internal readonly struct Scope(ContextToken<string>? requestId, ContextToken<Guid>? correlationId, ContextToken<int>? attempt) : IDisposable
    {
        public void Dispose()
        {
            // Reverse order, as nested using blocks would.
            if (attempt is not null)
            {
                Attempt.Reset(attempt);
            }

            if (correlationId is not null)
            {
                CorrelationId.Reset(correlationId);
            }

            if (requestId is not null)
            {
                RequestId.Reset(requestId);
            }
        }
    }
}

/// <summary>
/// The <c>remote-roundtrip-ctx</c> scenario: two actor systems with the remote provider on loopback (127.0.0.1, a free
/// port each); a client actor on the first keeps up to <see cref="Scenarios.PingPongInFlight"/> messages in flight to
/// an echo actor on the second, which replies to each. One "message" is one round trip.
/// </summary>
internal static class RemoteRoundTrip
{
    internal const string Name = "remote-roundtrip-ctx";

    /// <summary>
    /// Characters added to the measured message (<c>--remote-pad N</c>, default none), in both variants: a plain run
    /// padded by about the size of the context frame shows what Akka.Remote itself allocates for those extra bytes.
    /// </summary>
    internal static int PingPadding { get; set; }

    /// <summary>The measured message: <c>"ping"</c> followed by <paramref name="padding"/> dots.</summary>
    internal static string PingMessage(int padding) => "ping" + new string('.', padding);

    /// <remarks>
    /// Errors only: shutting down two connected nodes makes Akka.Remote and DotNetty warn about the association or
    /// channel going away, which would land between the result lines. Nothing is lost by it: the probe fails the
    /// run if the context does not arrive, and a message that is dropped stalls the run until it times out.
    /// </remarks>
    private const string RemoteHocon = """
        akka.actor.provider = remote
        akka.remote.dot-netty.tcp { hostname = 127.0.0.1, port = 0 }
        akka.loglevel = ERROR
        akka.stdout-loglevel = ERROR
        """;

    /// <summary>Creates the two systems and the actors: plain (<paramref name="propagation"/> false) or with <c>WithMessageContext()</c>.</summary>
    /// <param name="baseConfig">Logging and the like, shared with the local systems.</param>
    /// <param name="propagation">Whether both systems are created with <c>WithMessageContext()</c>.</param>
    internal static RemoteRun Start(Config baseConfig, bool propagation)
    {
        var config = ConfigurationFactory.ParseString(RemoteHocon).WithFallback(baseConfig);
        return propagation
            ? new RemoteRun<ContextSystem>(config.WithMessageContext(), "ctx")
            : new RemoteRun<PlainSystem>(config, "plain");
    }

    /// <summary>A started remote round-trip scenario.</summary>
    internal abstract class RemoteRun : IScenarioRun
    {
        /// <summary>
        /// Sends one probe through the same path as the measured messages (edge, client, remote echo) with the vars set;
        /// the echo replies with the vars as it read them from its context (see <see cref="RemoteEdgeContext.Current"/>).
        /// </summary>
        public abstract string Probe();

        public abstract long Run(long messages);

        public abstract void Dispose();
    }

    /// <summary>
    /// One instantiation per kind of system: its nested actors are then distinct generic types too, so the JIT compiles
    /// and profiles the plain and the propagating client and echo apart (see <c>Scenarios.Pick</c>).
    /// </summary>
    private sealed class RemoteRun<TSystem> : RemoteRun
        where TSystem : struct
    {
        private const string ProbeMessage = "probe";

        private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(20);
        private readonly Completion _completion = new();
        private readonly ProbeResult _probe = new();
        private readonly ActorSystem _clientSystem;
        private readonly ActorSystem _echoSystem;
        private readonly IActorRef _client;

        public RemoteRun(Config config, string label)
        {
            _echoSystem = ActorSystem.Create(label + "-echo", config);
            _clientSystem = ActorSystem.Create(label + "-client", config);
            try
            {
                _echoSystem.ActorOf(Props.Create(() => new Echo()), "echo");
                var address = ((ExtendedActorSystem)_echoSystem).Provider.DefaultAddress;
                var echo = _clientSystem.ActorSelection(new RootActorPath(address) / "user" / "echo").ResolveOne(s_timeout).GetAwaiter().GetResult();
                _client = _clientSystem.ActorOf(Props.Create(() => new Client(echo, _completion, _probe)), "client");
            }
            catch
            {
                Terminate();
                throw;
            }
        }

        public override string Probe()
        {
            _probe.Reply = null;
            _completion.Arm(1);
            using (RemoteEdgeContext.Enter(withVars: true))
            {
                _client.Tell(StartProbe.Instance, ActorRefs.NoSender);
            }

            _completion.Wait();
            return _probe.Reply ?? throw new InvalidOperationException("The remote echo's probe reply was not recorded.");
        }

        public override long Run(long messages)
        {
            _completion.Arm(1);

            // The vars are set only around the start: the client handles it under them, and with propagation that
            // context goes with everything it sends while handling the replies, as in the local ping-pong scenario.
            using (RemoteEdgeContext.Enter(withVars: true))
            {
                _client.Tell(new StartPing(messages, Scenarios.PingPongInFlight), ActorRefs.NoSender);
            }

            _completion.Wait();
            return messages;
        }

        public override void Dispose()
        {
            Terminate();
            _completion.Dispose();
        }

        private void Terminate()
        {
            if (!Task.WaitAll([_clientSystem.Terminate(), _echoSystem.Terminate()], s_timeout))
            {
                Console.Error.WriteLine($"# {Name}: the actor systems did not terminate within {s_timeout.TotalSeconds} s");
            }
        }

        /// <summary>Starts the client: <paramref name="Repeat"/> round trips, <paramref name="InFlight"/> at a time.</summary>
        private sealed record StartPing(long Repeat, int InFlight);

        private sealed class StartProbe
        {
            public static readonly StartProbe Instance = new();
        }

        /// <summary>Replies to every message with the same message; to a probe, with the vars as it reads them from its context.</summary>
        private sealed class Echo : UntypedActor
        {
            protected override void OnReceive(object message)
            {
                if (message is string text && text == ProbeMessage)
                {
                    Sender.Tell(RemoteEdgeContext.Current(), Self);
                    return;
                }

                Sender.Tell(message, Self);
            }
        }

        /// <summary>Keeps up to N round trips in flight to the remote echo, as the local ping-pong client does.</summary>
        private sealed class Client(IActorRef echo, Completion completion, ProbeResult probe) : UntypedActor
        {
            /// <summary>The measured message: a string, which Akka.Remote serializes with its primitive serializer.</summary>
            private readonly string _ping = PingMessage(PingPadding);

            private long _repeat;
            private long _sent;
            private long _received;
            private bool _probing;

            protected override void OnReceive(object message)
            {
                if (_probing)
                {
                    _probing = false;
                    probe.Reply = message as string;
                    completion.Signal();
                    return;
                }

                switch (message)
                {
                    case StartPing start:
                        _repeat = start.Repeat;
                        _sent = 0;
                        _received = 0;
                        var burst = Math.Min(start.InFlight, _repeat);
                        for (var i = 0; i < burst; i++)
                        {
                            echo.Tell(_ping, Self);
                            _sent++;
                        }

                        return;
                    case StartProbe:
                        // Only between runs: no ping reply can arrive while the probe is out.
                        _probing = true;
                        echo.Tell(ProbeMessage, Self);
                        return;
                }

                _received++;
                if (_sent < _repeat)
                {
                    echo.Tell(message, Self);
                    _sent++;
                }
                else if (_received == _repeat)
                {
                    completion.Signal();
                }
            }
        }
    }

    private sealed class ProbeResult
    {
        private string? _reply;

        public string? Reply
        {
            get => Volatile.Read(ref _reply);
            set => Volatile.Write(ref _reply, value);
        }
    }
}
