using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;
using Akka.Event;
using Akka.Streams;
using Akka.Streams.Implementation.Fusing;
using Akka.Streams.Stage;
using Akka.Streams.Supervision;

namespace ActorContext.Streams.Internal;

/// <summary>
/// The few private members of Akka.Streams (1.5.7x) this package reads. Each is looked up by name once; when one is
/// missing (another Akka.Streams version), the answer is the safe one: not carried, or "may drop", and the first
/// stream to start says so once as an error (see <see cref="FindMissing()"/>; each member has a canary test).
/// </summary>
internal static class AkkaInternals
{
    private const BindingFlags Instance = BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public;

    private static readonly FieldInfo? s_initialShell = typeof(ActorGraphInterpreter).GetField("_initial", Instance);
    private static readonly FieldInfo? s_shellConnections = typeof(GraphInterpreterShell).GetField("_connections", Instance);
    private static readonly FieldInfo? s_shellShortCircuit = typeof(GraphInterpreterShell).GetField("_enqueueToShortCircuit", Instance);
    private static readonly FieldInfo? s_shellInputs = typeof(GraphInterpreterShell).GetField("_inputs", Instance);

    private static readonly ConcurrentDictionary<Type, Func<object?, object, bool>?> s_callbackMatchers = new();

    private static int s_reported;

    /// <summary>The shell an interpreter actor was created with; null if it cannot be read.</summary>
    internal static GraphInterpreterShell? InitialShell(ActorGraphInterpreter actor)
    {
        ReportMissingOnce();
        return s_initialShell?.GetValue(actor) as GraphInterpreterShell;
    }

    /// <summary>The connections of a shell, available before it is initialized; null if they cannot be read.</summary>
    internal static GraphInterpreter.Connection[]? Connections(GraphInterpreterShell shell) =>
        s_shellConnections?.GetValue(shell) as GraphInterpreter.Connection[];

    /// <summary>How many input boundaries (elements from an island before) the shell has.</summary>
    internal static int InputCount(GraphInterpreterShell shell) => s_shellInputs?.GetValue(shell) is Array inputs ? inputs.Length : 0;

    /// <summary>The shell's way of queueing an event for its own actor without a message; null if it cannot be read.</summary>
    internal static Action<object>? ShortCircuit(GraphInterpreterShell shell) => s_shellShortCircuit?.GetValue(shell) as Action<object>;

    /// <summary>Replaces the shell's short-circuit queueing.</summary>
    internal static void SetShortCircuit(GraphInterpreterShell shell, Action<object> enqueue) => s_shellShortCircuit?.SetValue(shell, enqueue);

    /// <summary>
    /// For an async callback event that brings an element a stage pushes (a <c>Source.Queue</c> offer, the result of
    /// a SelectAsyncUnordered task): a test of whether a pushed element is that element, reading the event's element
    /// without boxing it; null for any other event.
    /// </summary>
    internal static Func<object?, object, bool>? CallbackElementMatcher(object? evt) =>
        evt is null ? null : s_callbackMatchers.GetOrAdd(evt.GetType(), static type => Matcher(type));

    private static Func<object?, object, bool>? Matcher(Type runtimeType)
    {
        // An async method's task is a subclass of Task<T>: match on the generic type it derives from.
        var type = runtimeType;
        while (type is not null && !(type.IsGenericType && type.GetGenericTypeDefinition().FullName is
                   "Akka.Streams.Implementation.QueueSource`1+Offer`1" or "Akka.Util.Result`1" or "System.Threading.Tasks.Task`1"))
        {
            type = type.BaseType;
        }

        if (type is null)
        {
            return null;
        }

        var definition = type.GetGenericTypeDefinition().FullName;
        var remembered = Expression.Parameter(typeof(object));
        var pushed = Expression.Parameter(typeof(object));
        var typed = Expression.Convert(remembered, type);
        var elementType = type.GetGenericArguments()[^1];
        Expression? element = null;
        Expression? valid = null;
        switch (definition)
        {
            case "Akka.Streams.Implementation.QueueSource`1+Offer`1" when type.GetProperty("Element", Instance) is { } property:
                element = Expression.Property(typed, property);
                break;
            case "Akka.Util.Result`1" when type.GetField("IsSuccess") is { } success && type.GetField("Value") is { } value:
                element = Expression.Field(typed, value);
                valid = Expression.Field(typed, success);
                break;
            case "System.Threading.Tasks.Task`1":
                element = Expression.Property(typed, "Result");
                valid = Expression.Property(typed, nameof(Task.IsCompletedSuccessfully));
                break;
        }

        if (element is null)
        {
            return null;
        }

        // remembered is of the event type and pushed is the event's element, compared as the stage's element type.
        var comparer = typeof(EqualityComparer<>).MakeGenericType(elementType);
        var equals = Expression.Call(
            Expression.Property(null, comparer.GetProperty("Default")!),
            comparer.GetMethod("Equals", [elementType, elementType])!,
            element,
            Expression.Convert(pushed, elementType));
        Expression body = Expression.AndAlso(
            Expression.AndAlso(Expression.TypeIs(remembered, type), Expression.TypeIs(pushed, elementType)),
            valid is null ? equals : Expression.AndAlso(valid, equals));
        return Expression.Lambda<Func<object?, object, bool>>(body, remembered, pushed).Compile();
    }

    /// <summary>Whether the stage behind <paramref name="logic"/> has an <see cref="OverflowStrategy"/> field that drops elements.</summary>
    internal static bool StageDrops(GraphStageLogic logic, string field)
    {
        var value = StageField(logic, field);
        return value is not OverflowStrategy strategy || strategy is not (OverflowStrategy.Backpressure or OverflowStrategy.Fail);
    }

    /// <summary>Whether a Delay stage may drop elements (any strategy but back-pressure or fail).</summary>
    internal static bool DelayDrops(GraphStageLogic logic)
    {
        var value = StageField(logic, "_strategy");
        return value is not DelayOverflowStrategy strategy || strategy is not (DelayOverflowStrategy.Backpressure or DelayOverflowStrategy.Fail);
    }

    /// <summary>Whether a SelectAsync stage stops on a failed element (never resumes past it, which would skip its result).</summary>
    internal static bool StopsOnFailure(GraphStageLogic logic) =>
        logic.GetType().GetField("_decider", Instance)?.GetValue(logic) is Decider decider
        && decider == Deciders.StoppingDecider;

    /// <summary>
    /// For a Batch stage's logic: whether it holds an aggregate (read right after a push: it then began the next one with
    /// the element it had kept back); null if that cannot be read.
    /// </summary>
    internal static Func<bool>? KeepsAggregate(GraphStageLogic logic) => OptionHasValue(logic, "_aggregate");

    /// <summary>For a Batch stage's logic: whether it keeps an element back for its next aggregate; null if that cannot be read.</summary>
    internal static Func<bool>? KeepsPending(GraphStageLogic logic) => OptionHasValue(logic, "_pending");

    private static Func<bool>? OptionHasValue(GraphStageLogic logic, string field)
    {
        var read = s_optionReaders.GetOrAdd((logic.GetType(), field), static key =>
        {
            if (key.Type.GetField(key.Field, Instance) is not { } field || field.FieldType.GetProperty("HasValue") is not { } hasValue)
            {
                return null;
            }

            var parameter = Expression.Parameter(typeof(GraphStageLogic));
            var body = Expression.Property(Expression.Field(Expression.Convert(parameter, key.Type), field), hasValue);
            return Expression.Lambda<Func<GraphStageLogic, bool>>(body, parameter).Compile();
        });
        return read is null ? null : () => read(logic);
    }

    private static readonly ConcurrentDictionary<(Type Type, string Field), Func<GraphStageLogic, bool>?> s_optionReaders = new();

    /// <summary>Reads how many elements the stage logic keeps in its <c>_buffer</c> list; null if it has none.</summary>
    internal static Func<int>? BufferCount(GraphStageLogic logic) =>
        logic.GetType().GetField("_buffer", Instance) is { } field && field.GetValue(logic) is System.Collections.ICollection buffer
            ? () => buffer.Count
            : null;

    private static object? StageField(GraphStageLogic logic, string field)
    {
        var stage = logic.GetType().GetField("_stage", Instance)?.GetValue(logic);
        return stage?.GetType().GetField(field, Instance)?.GetValue(stage);
    }

    /// <summary>
    /// The private members read here and by the stage trackers, as (declaring type, member): a type nested in a generic
    /// is named with its CLR name (<c>Outer`1+Inner</c>).
    /// </summary>
    internal static readonly (string Type, string Member)[] Members =
    [
        ("Akka.Streams.Implementation.Fusing.ActorGraphInterpreter", "_initial"),
        ("Akka.Streams.Implementation.Fusing.GraphInterpreterShell", "_connections"),
        ("Akka.Streams.Implementation.Fusing.GraphInterpreterShell", "_enqueueToShortCircuit"),
        ("Akka.Streams.Implementation.Fusing.GraphInterpreterShell", "_inputs"),
        ("Akka.Streams.Implementation.Fusing.GraphInterpreterShell", "_logics"),
        ("Akka.Streams.Implementation.QueueSource`1+Offer`1", "Element"),
        ("Akka.Streams.Implementation.QueueSource`1", "_overflowStrategy"),
        ("Akka.Streams.Implementation.QueueSource`1+Logic", "_stage"),
        ("Akka.Streams.Implementation.Fusing.Buffer`1", "_overflowStrategy"),
        ("Akka.Streams.Implementation.Fusing.Buffer`1+Logic", "_stage"),
        ("Akka.Streams.Implementation.Fusing.Delay`1", "_strategy"),
        ("Akka.Streams.Implementation.Fusing.Delay`1+Logic", "_stage"),
        ("Akka.Streams.Implementation.Fusing.SelectAsync`2+Logic", "_decider"),
        ("Akka.Streams.Implementation.ActorRefBackpressureSinkStage`1+Logic", "_buffer"),
        ("Akka.Streams.Actors.ActorPublisher`1", "_subscriber"),
        ("Akka.Streams.Stage.GraphStageLogicWithCallbackWrapper`1", "_callbackState"),
        ("Akka.Streams.Stage.GraphStageLogicWithCallbackWrapper`1+NotInitialized", "<Args>k__BackingField"),
    ];

    /// <summary>The first of <see cref="Members"/> (or Akka's <c>Result`1</c> fields) this Akka.Streams lacks, or null.</summary>
    internal static string? FindMissing() => FindMissing(Members);

    /// <summary>The first of <paramref name="members"/> (or Akka's <c>Result`1</c> fields) this Akka.Streams lacks, or null.</summary>
    internal static string? FindMissing(IEnumerable<(string Type, string Member)> members)
    {
        var streams = typeof(ActorGraphInterpreter).Assembly;
        foreach (var (typeName, member) in members)
        {
            if (streams.GetType(typeName) is not { } type || type.GetMember(member, Instance).Length == 0)
            {
                return $"{typeName}.{member}";
            }
        }

        var result = typeof(global::Akka.Actor.ActorBase).Assembly.GetType("Akka.Util.Result`1");
        return result?.GetField("IsSuccess") is null || result.GetField("Value") is null ? "Akka.Util.Result`1.IsSuccess/Value" : null;
    }

    private static void ReportMissingOnce()
    {
        if (Volatile.Read(ref s_reported) != 0 || Interlocked.Exchange(ref s_reported, 1) != 0 || FindMissing() is not { } missing)
        {
            return;
        }

        var message =
            $"ActorContext.Streams: this Akka.Streams lacks {missing}, so some stream stages run elements with the materialization " +
            "context instead of their own. Use an Akka.Streams version the ActorContext README lists as supported. (Said once per process.)";

        // Called while Akka creates the interpreter actor, so its cell is the current one.
        if (global::Akka.Actor.Internal.InternalCurrentActorCellKeeper.Current?.System is { } system)
        {
            system.Log.Error(message);
        }
        else
        {
            Console.Error.WriteLine(message);
        }
    }
}
