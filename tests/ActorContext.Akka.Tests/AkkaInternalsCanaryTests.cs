using System.Collections;
using System.Reflection;
using ActorContext.Akka.Internal;
using Akka.Actor;
using Akka.Actor.Internal;
using Akka.Actor.Scheduler;
using Akka.Dispatch;
using Akka.Persistence;

namespace ActorContext.Akka.Tests;

/// <summary>
/// Canaries: each test names one Akka internal the engine reaches and fails on an Akka version that renamed, removed or
/// reshaped it. <see cref="AkkaInternals.FindMissing()"/> checks the same at a system's start (which then fails naming it);
/// these tests read Akka directly, so they also catch a check that drifted from what the engine uses.
/// </summary>
public class AkkaInternalsCanaryTests
{
    private const BindingFlags Instance = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
    private static readonly Assembly Akka = typeof(ActorCell).Assembly;

    private static void AssertCellMethod(string name, params Type[] parameters) =>
        Assert.True(typeof(ActorCell).GetMethod(name, Instance, parameters) is not null, $"Akka {Akka.GetName().Version} has no ActorCell.{name}");

    [Fact]
    public void AkkaInternals_FindMissing_NothingMissingInThisAkka() => Assert.Null(AkkaInternals.FindMissing());

    [Fact]
    public void FindMissing_CellWithoutTheMembers_NamesTheFirstAndTheStartErrorSaysWhatToDo()
    {
        var missing = AkkaInternals.FindMissing(typeof(StandInCell));

        Assert.Equal("ActorCell.set_CurrentMessage(Object)", missing);
        var error = AkkaInternals.Missing(missing!);
        Assert.Contains("ActorCell.set_CurrentMessage(Object) is missing", error.Message);
        Assert.Contains("README lists as supported", error.Message);
    }

    /// <summary>A type without Akka's cell members: what an Akka that renamed them would look like to the check.</summary>
    private sealed class StandInCell;

    [Fact]
    public void ActorCell_SetCurrentMessage_Exists() => AssertCellMethod("set_CurrentMessage", typeof(object));

    [Fact]
    public void ActorCell_SetSender_Exists() => AssertCellMethod("set_Sender", typeof(IActorRef));

    [Fact]
    public void ActorCell_FaultRecreate_Exists() => AssertCellMethod("FaultRecreate", typeof(Exception));

    [Fact]
    public void ActorCell_HandleInvokeFailure_Exists() => AssertCellMethod("HandleInvokeFailure", typeof(Exception), typeof(IEnumerable<IActorRef>));

    [Fact]
    public void ActorTaskSchedulerMessage_ExceptionProperty_Exists()
    {
        var type = Akka.GetType("Akka.Dispatch.SysMsg.ActorTaskSchedulerMessage");

        Assert.NotNull(type);
        Assert.Equal(typeof(Exception), type.GetProperty("Exception", Instance)?.PropertyType);
        Assert.Same(type, AkkaInternals.ActorTaskSchedulerMessage);
    }

    [Fact]
    public void RoutedActorRef_ConstructorOfSevenParameters_TakesWhatLocalRefFactoryPasses()
    {
        var type = Akka.GetType(AkkaInternals.RoutedActorRefType);

        Assert.NotNull(type);
        Assert.True(typeof(RepointableActorRef).IsAssignableFrom(type));
        var constructor = Assert.Single(type.GetConstructors(Instance), static c => c.GetParameters().Length == AkkaInternals.RoutedActorRefArity);
        Assert.Equal(
            [typeof(ActorSystemImpl), typeof(Props), typeof(MessageDispatcher), typeof(MailboxType), typeof(Props), typeof(IInternalActorRef), typeof(ActorPath)],
            constructor.GetParameters().Select(static p => p.ParameterType));
    }

    [Theory]
    [InlineData("Akka.Actor.Scheduler.ScheduledTellMsg")]
    [InlineData("Akka.Actor.Scheduler.ScheduledTellMsgNoInfluenceReceiveTimeout")]
    public void ScheduledTellWrapper_ExistsInTheSchedulerNamespace_AndWrapsItsMessage(string name)
    {
        // Propagation recognizes these by type (falling back to an interface check without them).
        var type = Akka.GetType(name);

        Assert.NotNull(type);

        // ContextActorCell unwraps a dead-lettered scheduled tell by this namespace.
        Assert.Equal("Akka.Actor.Scheduler", type.Namespace);
        Assert.True(typeof(IScheduledTellMsg).IsAssignableFrom(type));
        Assert.True(typeof(IWrappedMessage).IsAssignableFrom(type));
    }

    [Fact]
    public void Eventsourced_PendingInvocations_IsACollectionField_AndJournalResponsesHaveTheirInterface()
    {
        var field = typeof(Eventsourced).GetField("_pendingInvocations", BindingFlags.Instance | BindingFlags.NonPublic);

        Assert.NotNull(field);
        Assert.True(typeof(ICollection).IsAssignableFrom(field.FieldType), $"_pendingInvocations is a {field.FieldType}");
        Assert.NotNull(typeof(Eventsourced).Assembly.GetType("Akka.Persistence.IJournalResponse"));
        Assert.Null(PersistenceContextTracker.FindMissing(typeof(Eventsourced)));
    }

    [Fact]
    public void PersistenceContextTracker_FindMissing_OnATypeWithoutTheField_NamesIt()
    {
        // What the start-up report would say on an Akka.Persistence without the field.
        Assert.Equal("Akka.Persistence.Eventsourced._pendingInvocations", PersistenceContextTracker.FindMissing(typeof(object)));
    }

    [Fact]
    public void AkkasOwnActors_AreInAkkaNamespaces()
    {
        // The engine tells Akka's infrastructure actors (no hop span, no expiry drop) by namespace "Akka" or "Akka.*".
        Assert.StartsWith("Akka.", typeof(global::Akka.Event.DeadLetterListener).Namespace, StringComparison.Ordinal);
        Assert.StartsWith("Akka.", typeof(global::Akka.Event.DefaultLogger).Namespace, StringComparison.Ordinal);
    }

    [Fact]
    public void StreamsInterpreterAndPublisher_HaveTheNamesTheReceiveHookLooksFor()
    {
        var streams = typeof(global::Akka.Streams.ActorMaterializer).Assembly;

        Assert.NotNull(streams.GetType("Akka.Streams.Implementation.Fusing.ActorGraphInterpreter"));
        Assert.NotNull(streams.GetType("Akka.Streams.Actors.ActorPublisher`1"));
    }

    [Theory]
    [InlineData("Akka.Actor.LocalActorRefProvider, Akka")]
    [InlineData("Akka.TestKit.TestScheduler, Akka.TestKit")]
    public void TypesWithMessageContextRecognizesByName_Exist(string assemblyQualifiedName)
    {
        // WithMessageContext replaces Akka's local provider and refuses the test scheduler by these names (remote and
        // cluster providers: ActorContext.Remote.Tests).
        Assert.NotNull(Type.GetType(assemblyQualifiedName, throwOnError: false));
    }
}
