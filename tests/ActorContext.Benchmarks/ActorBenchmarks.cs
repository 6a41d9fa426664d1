using ActorContext.Akka;
using Akka.Actor;
using Akka.Configuration;
using BenchmarkDotNet.Attributes;

namespace ActorContext.Benchmarks;

/// <summary>
/// The actor scenarios of the quick mode under BenchmarkDotNet, plain (<see cref="Propagation"/> false) and with
/// <c>WithMessageContext()</c>. One operation is one delivered actor message (one completed ask for <see cref="AskCtx"/>).
/// </summary>
/// <remarks>Public and unsealed because BenchmarkDotNet derives its generated runner from it.</remarks>
[MemoryDiagnoser]
public class ActorBenchmarks
{
    private const int Messages = 100_000;
    private const int Asks = 20_000;

    private ActorSystem? _system;
    private IScenarioRun? _oneWayCtx;
    private IScenarioRun? _oneWayEmpty;
    private IScenarioRun? _pingPongCtx;
    private IScenarioRun? _pingPongEmpty;
    private IScenarioRun? _chainCtx;
    private IScenarioRun? _askCtx;

    /// <summary>Whether the actor system is created with context propagation.</summary>
    [Params(false, true)]
    public bool Propagation { get; set; }

    /// <summary>Creates the actor system and every scenario's actors.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var config = ConfigurationFactory.ParseString("akka.loglevel = WARNING\nakka.stdout-loglevel = WARNING\nakka.log-dead-letters = off");
        _system = ActorSystem.Create("bench", Propagation ? config.WithMessageContext() : config);
        _oneWayCtx = Start("one-way-ctx");
        _oneWayEmpty = Start("one-way-empty");
        _pingPongCtx = Start("ping-pong-ctx");
        _pingPongEmpty = Start("ping-pong-empty");
        _chainCtx = Start("chain5-ctx");
        _askCtx = Start("ask-ctx");
    }

    private IScenarioRun Start(string name) => Scenarios.All.Single(s => s.Name == name).Start(_system!);

    /// <summary>Stops the scenarios and terminates the actor system.</summary>
    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var run in new[] { _oneWayCtx, _oneWayEmpty, _pingPongCtx, _pingPongEmpty, _chainCtx, _askCtx })
        {
            run?.Dispose();
        }

        _system?.Terminate().Wait(TimeSpan.FromSeconds(10));
    }

    /// <summary>The edge sets 3 vars and tells messages to one counting actor.</summary>
    [Benchmark(OperationsPerInvoke = Messages)]
    public long OneWayCtx() => _oneWayCtx!.Run(Messages);

    /// <summary>The edge tells messages to one counting actor with no vars set.</summary>
    [Benchmark(OperationsPerInvoke = Messages)]
    public long OneWayEmpty() => _oneWayEmpty!.Run(Messages);

    /// <summary>Client/echo pairs (one per core) bounce messages started under 3 vars.</summary>
    [Benchmark(OperationsPerInvoke = Messages)]
    public long PingPongCtx() => _pingPongCtx!.Run(Messages);

    /// <summary>Client/echo pairs (one per core) bounce messages with no vars set.</summary>
    [Benchmark(OperationsPerInvoke = Messages)]
    public long PingPongEmpty() => _pingPongEmpty!.Run(Messages);

    /// <summary>Messages sent under 3 vars pass through 5 actors.</summary>
    [Benchmark(OperationsPerInvoke = Messages)]
    public long Chain5Ctx() => _chainCtx!.Run(Messages);

    /// <summary>The edge asks one echo actor under 3 vars, 1000 asks at a time.</summary>
    [Benchmark(OperationsPerInvoke = Asks)]
    public long AskCtx() => _askCtx!.Run(Asks);
}
