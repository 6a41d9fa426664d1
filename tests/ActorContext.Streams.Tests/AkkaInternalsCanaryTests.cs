using System.Collections;
using System.Reflection;
using ActorContext.Streams.Internal;
using Akka.Streams;
using Akka.Streams.Implementation.Fusing;
using Akka.Streams.Stage;
using Akka.Streams.Supervision;

namespace ActorContext.Streams.Tests;

/// <summary>
/// Canaries: each test names one private member of Akka.Streams this package reads and fails on an Akka.Streams that
/// renamed or reshaped it. Missing at run time, the package falls back to the materialization context and says so once.
/// </summary>
public class AkkaInternalsCanaryTests
{
    private const BindingFlags Instance = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;
    private static readonly Assembly Streams = typeof(ActorGraphInterpreter).Assembly;

    private static Type TypeNamed(string name) =>
        Streams.GetType(name) ?? throw new Xunit.Sdk.XunitException($"Akka.Streams {Streams.GetName().Version} has no {name}");

    private static void AssertField(Type type, string name, Func<Type, bool> fits)
    {
        var field = type.GetField(name, Instance);
        Assert.True(field is not null, $"{type.FullName} has no field {name}");
        Assert.True(fits(field.FieldType), $"{type.FullName}.{name} is a {field.FieldType}");
    }

    [Fact]
    public void AkkaInternals_FindMissing_NothingMissingInThisAkkaStreams() => Assert.Null(AkkaInternals.FindMissing());

    [Fact]
    public void AkkaInternals_FindMissing_AMemberThisAkkaStreamsLacks_IsNamed() =>
        Assert.Equal(
            "Akka.Streams.Implementation.Fusing.GraphInterpreterShell._renamed",
            AkkaInternals.FindMissing([.. AkkaInternals.Members, ("Akka.Streams.Implementation.Fusing.GraphInterpreterShell", "_renamed")]));

    [Fact]
    public void ActorGraphInterpreter_Initial_IsTheShell() =>
        AssertField(typeof(ActorGraphInterpreter), "_initial", static t => t == typeof(GraphInterpreterShell));

    [Fact]
    public void GraphInterpreterShell_Connections_AreConnections() =>
        AssertField(typeof(GraphInterpreterShell), "_connections", static t => t == typeof(GraphInterpreter.Connection[]));

    [Fact]
    public void GraphInterpreterShell_EnqueueToShortCircuit_IsAnActionOfObject() =>
        AssertField(typeof(GraphInterpreterShell), "_enqueueToShortCircuit", static t => t == typeof(Action<object>));

    [Fact]
    public void GraphInterpreterShell_Inputs_IsAnArray() =>
        AssertField(typeof(GraphInterpreterShell), "_inputs", static t => t.IsArray);

    [Fact]
    public void GraphInterpreterShell_Logics_AreStageLogics() =>
        AssertField(typeof(GraphInterpreterShell), "_logics", static t => t == typeof(GraphStageLogic[]));

    [Fact]
    public void QueueSourceOffer_Element_IsAProperty() =>
        Assert.NotNull(TypeNamed("Akka.Streams.Implementation.QueueSource`1+Offer`1").GetProperty("Element", Instance));

    [Fact]
    public void AkkaResult_IsSuccessAndValue_ArePublicFields()
    {
        var result = typeof(global::Akka.Actor.ActorBase).Assembly.GetType("Akka.Util.Result`1");

        Assert.NotNull(result);
        Assert.Equal(typeof(bool), result.GetField("IsSuccess")?.FieldType);
        Assert.NotNull(result.GetField("Value"));
    }

    [Theory]
    [InlineData("Akka.Streams.Implementation.QueueSource`1")]
    [InlineData("Akka.Streams.Implementation.Fusing.Buffer`1")]
    public void QueueingStage_LogicReachesItsStage_WhoseOverflowStrategyIsAField(string stage)
    {
        var type = TypeNamed(stage);

        AssertField(TypeNamed(stage + "+Logic"), "_stage", t => t.IsGenericType && t.GetGenericTypeDefinition() == type);
        AssertField(type, "_overflowStrategy", static t => t == typeof(OverflowStrategy));
    }

    [Fact]
    public void Delay_LogicReachesItsStage_WhoseStrategyIsAField()
    {
        var type = TypeNamed("Akka.Streams.Implementation.Fusing.Delay`1");

        AssertField(TypeNamed("Akka.Streams.Implementation.Fusing.Delay`1+Logic"), "_stage", t => t.IsGenericType && t.GetGenericTypeDefinition() == type);
        AssertField(type, "_strategy", static t => t == typeof(DelayOverflowStrategy));
    }

    [Fact]
    public void SelectAsyncLogic_Decider_IsADecider() =>
        AssertField(TypeNamed("Akka.Streams.Implementation.Fusing.SelectAsync`2+Logic"), "_decider", static t => t == typeof(Decider));

    [Fact]
    public void ActorRefBackpressureSinkLogic_Buffer_IsACollection() =>
        AssertField(TypeNamed("Akka.Streams.Implementation.ActorRefBackpressureSinkStage`1+Logic"), "_buffer", static t => typeof(ICollection).IsAssignableFrom(t));

    [Fact]
    public void ActorPublisher_Subscriber_IsAField() =>
        AssertField(TypeNamed("Akka.Streams.Actors.ActorPublisher`1"), "_subscriber", static _ => true);

    [Fact]
    public void CallbackWrapper_StateBeforeStart_HoldsTheListOfOffers()
    {
        AssertField(TypeNamed("Akka.Streams.Stage.GraphStageLogicWithCallbackWrapper`1"), "_callbackState", static t => t.GetProperty("Value") is not null);
        AssertField(
            TypeNamed("Akka.Streams.Stage.GraphStageLogicWithCallbackWrapper`1+NotInitialized"),
            "<Args>k__BackingField",
            static t => t.IsGenericType && t.GetGenericTypeDefinition() == typeof(IList<>));
    }

    [Theory]
    [InlineData("Select`2")]
    [InlineData("Where`1")]
    [InlineData("Collect`2")]
    [InlineData("Take`1")]
    [InlineData("Skip`1")]
    [InlineData("TakeWhile`1")]
    [InlineData("SkipWhile`1")]
    [InlineData("Log`1")]
    [InlineData("Identity`1")]
    [InlineData("Buffer`1")]
    [InlineData("Delay`1")]
    [InlineData("SelectAsync`2")]
    [InlineData("SelectAsyncUnordered`2")]
    [InlineData("Grouped`1")]
    public void StageTrackedByName_IsInTheFusingNamespace(string name) =>
        TypeNamed("Akka.Streams.Implementation.Fusing." + name);

    [Theory]
    [InlineData("QueueSource`1")]
    [InlineData("Throttle`1")]
    [InlineData("DelayInitial`1")]
    [InlineData("ActorRefBackpressureSinkStage`1")]
    public void StageTrackedByName_IsInTheImplementationNamespace(string name) =>
        TypeNamed("Akka.Streams.Implementation." + name);
}
