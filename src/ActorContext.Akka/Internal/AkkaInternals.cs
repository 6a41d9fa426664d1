using System.Reflection;
using Akka.Actor;

namespace ActorContext.Akka.Internal;

/// <summary>
/// The members of Akka's <see cref="ActorCell"/> that propagation reaches with <c>UnsafeAccessor</c> (see
/// <see cref="ContextActorCell"/>), checked once when a propagating system starts.
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

    private static readonly Lazy<string?> s_missing = new(FindMissing);

    /// <summary>Throws, naming what is missing, when this Akka version lacks a member propagation needs.</summary>
    internal static void EnsurePresent()
    {
        if (s_missing.Value is { } missing)
        {
            throw new NotSupportedException(
                $"ActorContext cannot propagate contexts with Akka {typeof(ActorCell).Assembly.GetName().Version}: ActorCell.{missing} is " +
                "missing. Use an Akka version the ActorContext README lists as supported.");
        }
    }

    /// <summary>The first member of <see cref="CellMembers"/> this Akka lacks, or null.</summary>
    internal static string? FindMissing()
    {
        foreach (var (name, parameters) in CellMembers)
        {
            if (typeof(ActorCell).GetMethod(name, Instance, parameters) is null)
            {
                return $"{name}({string.Join(", ", parameters.Select(static p => p.Name))})";
            }
        }

        return null;
    }
}
