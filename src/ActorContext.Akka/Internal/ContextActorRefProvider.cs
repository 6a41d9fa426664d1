using Akka.Actor;
using Akka.Actor.Internal;
using Akka.Configuration;
using Akka.Event;
using Akka.Routing;
using Akka.Serialization;

namespace ActorContext.Akka.Internal;

/// <summary>
/// The local actor-ref provider with context propagation: every user actor gets a context-aware ref and cell.
/// </summary>
/// <remarks>
/// Akka's <see cref="LocalActorRefProvider"/> is sealed, so this one delegates everything to an inner instance and
/// re-implements only <see cref="ActorOf"/>, which decides which ref and cell classes an actor gets. Guardians
/// and other built-in actors created by the inner provider stay plain. Selected with
/// <c>akka.actor.provider = "ActorContext.Akka.Internal.ContextActorRefProvider, ActorContext.Akka"</c>.
/// </remarks>
internal sealed class ContextActorRefProvider : IActorRefProvider
{
    private readonly LocalActorRefProvider _inner;
    private ActorSystemImpl? _system;

    public ContextActorRefProvider(string systemName, Settings settings, EventStream eventStream)
    {
        _inner = new LocalActorRefProvider(
            systemName,
            settings,
            eventStream,
            new Deployer(settings),
            path => new ContextDeadLetterActorRef(this, path, eventStream));
    }

    public IInternalActorRef RootGuardian => _inner.RootGuardian;

    public LocalActorRef Guardian => _inner.Guardian;

    public LocalActorRef SystemGuardian => _inner.SystemGuardian;

    public IActorRef DeadLetters => _inner.DeadLetters;

    public IActorRef IgnoreRef => _inner.IgnoreRef;

    public ActorPath RootPath => _inner.RootPath;

    public Settings Settings => _inner.Settings;

    public Deployer Deployer => _inner.Deployer;

    public IInternalActorRef TempContainer => _inner.TempContainer;

    public Task TerminationTask => _inner.TerminationTask;

    public Address DefaultAddress => _inner.DefaultAddress;

    public Information SerializationInformation => _inner.SerializationInformation;

    public IActorRef RootGuardianAt(Address address) => _inner.RootGuardianAt(address);

    public void Init(ActorSystemImpl system)
    {
        AkkaInternals.EnsurePresent();
        _system = system;
        Detached.Run(() => _inner.Init(system));
    }

    public ActorPath TempPath() => _inner.TempPath();

    public void RegisterTempActor(IInternalActorRef actorRef, ActorPath path) => _inner.RegisterTempActor(actorRef, path);

    public void UnregisterTempActor(ActorPath path) => _inner.UnregisterTempActor(path);

    public FutureActorRef<T> CreateFutureRef<T>(TaskCompletionSource<T> tcs) => _inner.CreateFutureRef(tcs);

    public IActorRef ResolveActorRef(string path) => _inner.ResolveActorRef(path);

    public IActorRef ResolveActorRef(ActorPath actorPath) => _inner.ResolveActorRef(actorPath);

    public Address GetExternalAddressFor(Address address) => _inner.GetExternalAddressFor(address);

    public IInternalActorRef ActorOf(ActorSystemImpl system, Props props, IInternalActorRef supervisor, ActorPath path, bool systemService, Deploy deploy, bool lookupDeploy, bool async) =>
        LocalRefFactory.ActorOf(system, Deployer, props, supervisor, path, deploy, lookupDeploy, async);
}
