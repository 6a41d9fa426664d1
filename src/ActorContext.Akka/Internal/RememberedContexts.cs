using System.Runtime.CompilerServices;
using Akka.Actor;

namespace ActorContext.Akka.Internal;

/// <summary>
/// Lets Akka's own buffering actors re-send a message with the context it arrived with.
/// </summary>
/// <remarks>
/// <para>
/// A Cluster Sharding region holds messages for a shard whose home it does not know yet, and a shard holds messages
/// for an entity that is starting; they send them on later, while handling some other message (the coordinator's
/// answer). Propagation unwraps a message before the actor's code sees it, so the re-send would carry the context
/// of that other message — another request's. Actors of such infrastructure types remember, per message instance,
/// the context each arrived with (weakly: nothing is kept alive), and a send made while one of them handles a
/// message uses the remembered context for an instance it knows.
/// </para>
/// <para>
/// User actors are not treated this way: a user actor that keeps a message and sends it later sends it with its
/// current context, as any send does.
/// </para>
/// </remarks>
internal static class RememberedContexts
{
    private static readonly ConditionalWeakTable<object, ContextSnapshot> s_contexts = new();

    [ThreadStatic]
    private static bool t_inRememberingActor;

    /// <summary>Set once any actor of a remembering type was created; until then no send needs to look anything up.</summary>
    internal static bool AnyRemembering { get; private set; }

    /// <summary>Whether actors of <paramref name="actorType"/> buffer and re-send messages (Akka's sharding and singleton actors).</summary>
    internal static bool AppliesTo(Type actorType)
    {
        var ns = actorType.Namespace ?? string.Empty;
        var applies = ns.StartsWith("Akka.Cluster.Sharding", StringComparison.Ordinal)
            || ns.StartsWith("Akka.Cluster.Tools.Singleton", StringComparison.Ordinal);
        if (applies)
        {
            AnyRemembering = true;
        }

        return applies;
    }

    /// <summary>Records the context <paramref name="message"/> (and the message it wraps) arrived with.</summary>
    internal static void Remember(object message, ContextSnapshot? context)
    {
        Set(message, context);
        if (message is IWrappedMessage { Message: { } inner } && !ReferenceEquals(inner, message))
        {
            Set(inner, context);
        }
    }

    /// <summary>Marks the code running on this thread as a remembering actor's handling, until disposed.</summary>
    internal static Scope Enter()
    {
        t_inRememberingActor = true;
        return default;
    }

    /// <summary>The context to send <paramref name="message"/> with, when a remembering actor is re-sending it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool TryRecall(object message, out ContextSnapshot? context)
    {
        if (!t_inRememberingActor)
        {
            context = null;
            return false;
        }

        return s_contexts.TryGetValue(message, out context);
    }

    private static void Set(object message, ContextSnapshot? context)
    {
        if (message.GetType().IsValueType)
        {
            return;
        }

        if (context is null)
        {
            s_contexts.Remove(message);
        }
        else
        {
            s_contexts.AddOrUpdate(message, context);
        }
    }

    internal readonly struct Scope : IDisposable
    {
        public void Dispose() => t_inRememberingActor = false;
    }
}
