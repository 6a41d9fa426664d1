using System.Reflection;
using Akka.Actor;

namespace ActorContext.Akka.Internal;

/// <summary>
/// The internals of Akka that propagation cannot do without, checked once when a propagating system starts: the
/// members of <see cref="ActorCell"/> reached with <c>UnsafeAccessor</c> (see <see cref="ContextActorCell"/>), the system
/// message of async handlers and the internal router ref's constructor (see <see cref="LocalRefFactory"/>). Each has a
/// canary test naming it, as have the scheduler's tell wrappers, which are not checked here because
/// <see cref="MessageWithContext"/> falls back to an interface check without them.
/// </summary>
/// <remarks>
/// An <c>UnsafeAccessor</c> whose member is gone throws only when it is first called — in the middle of a message or
/// a restart. Checking them up front turns an Akka version that renamed one into a failed start that names it.
/// </remarks>
internal static class AkkaInternals
{
    private const BindingFlags Instance = BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic;

    /// <summary>(member, parameter types) as <see cref="ContextActorCell"/> calls them.</summary>
    internal static readonly (string Name, Type[] Parameters)[] CellMembers =
    [
        ("set_CurrentMessage", [typeof(object)]),
        ("set_Sender", [typeof(IActorRef)]),
        ("FaultRecreate", [typeof(Exception)]),
        ("HandleInvokeFailure", [typeof(Exception), typeof(IEnumerable<IActorRef>)]),
    ];

    /// <summary>Akka's internal router ref, created by its constructor of <see cref="RoutedActorRefArity"/> parameters.</summary>
    internal const string RoutedActorRefType = "Akka.Routing.RoutedActorRef";

    /// <summary>The parameter count of the router ref's constructor <see cref="LocalRefFactory"/> calls.</summary>
    internal const int RoutedActorRefArity = 7;

    private static readonly Lazy<string?> s_missing = new(FindMissing);

    /// <summary>
    /// Akka's (internal) system message that runs a <c>ReceiveAsync</c> continuation or reports its failure; null if
    /// this Akka has none (<see cref="FindMissing()"/> then names it).
    /// </summary>
    internal static readonly Type? ActorTaskSchedulerMessage = typeof(ActorCell).Assembly.GetType("Akka.Dispatch.SysMsg.ActorTaskSchedulerMessage");

    private static readonly Func<object, Exception?>? s_failureOf = FailureGetter();

    /// <summary>The failure an <see cref="ActorTaskSchedulerMessage"/> reports, or null for one that runs a continuation.</summary>
    internal static Exception? FailureOf(object actorTaskSchedulerMessage) => s_failureOf?.Invoke(actorTaskSchedulerMessage);

    private static Func<object, Exception?>? FailureGetter()
    {
        var getter = ActorTaskSchedulerMessage?.GetProperty("Exception", Instance)?.GetMethod;
        if (getter is null)
        {
            return null;
        }

        // A compiled call, not reflection, as it is read for every continuation of an async handler.
        var message = System.Linq.Expressions.Expression.Parameter(typeof(object), "message");
        var call = System.Linq.Expressions.Expression.Call(System.Linq.Expressions.Expression.Convert(message, ActorTaskSchedulerMessage!), getter);
        return System.Linq.Expressions.Expression.Lambda<Func<object, Exception?>>(call, message).Compile();
    }

    /// <summary>Throws, naming what is missing, when this Akka version lacks a member propagation needs.</summary>
    internal static void EnsurePresent()
    {
        if (s_missing.Value is { } missing)
        {
            throw Missing(missing);
        }
    }

    /// <summary>The error a propagating system's start fails with when this Akka lacks <paramref name="member"/>.</summary>
    internal static NotSupportedException Missing(string member) =>
        new($"ActorContext cannot propagate contexts with Akka {typeof(ActorCell).Assembly.GetName().Version}: {member} is " +
            "missing. Use an Akka version the ActorContext README lists as supported.");

    /// <summary>The first of the internals above this Akka lacks, or null.</summary>
    internal static string? FindMissing() => FindMissing(typeof(ActorCell));

    /// <summary>
    /// The first of the internals above that <paramref name="cell"/> (Akka's <see cref="ActorCell"/>, or a stand-in in a
    /// test) and this Akka lack, or null.
    /// </summary>
    internal static string? FindMissing(Type cell)
    {
        foreach (var (name, parameters) in CellMembers)
        {
            if (cell.GetMethod(name, Instance, parameters) is null)
            {
                return $"ActorCell.{name}({string.Join(", ", parameters.Select(static p => p.Name))})";
            }
        }

        if (s_failureOf is null)
        {
            return "Akka.Dispatch.SysMsg.ActorTaskSchedulerMessage.Exception";
        }

        var routedActorRef = typeof(ActorCell).Assembly.GetType(RoutedActorRefType);
        if (routedActorRef is null
            || routedActorRef.GetConstructors(Instance).Count(static c => c.GetParameters().Length == RoutedActorRefArity) != 1)
        {
            return $"{RoutedActorRefType}'s constructor of {RoutedActorRefArity} parameters";
        }

        return null;
    }
}
