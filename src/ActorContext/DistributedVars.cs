using System.Runtime.CompilerServices;
using System.Collections.Concurrent;

namespace ActorContext;

/// <summary>
/// The distributed vars declared in this process, by name: a received entry is matched to a var by its name.
/// </summary>
/// <remarks>Held weakly, so a var that is no longer referenced frees its name.</remarks>
internal static class DistributedVars
{
    private static readonly ConcurrentDictionary<string, WeakReference<IContextVar>> s_byName = new(StringComparer.Ordinal);
    private static readonly object s_lock = new();

    private static volatile bool s_builtInsRegistered;

    internal static void Register(IContextVar var)
    {
        lock (s_lock)
        {
            if (s_byName.TryGetValue(var.Name, out var existing) && existing.TryGetTarget(out var other) && !ReferenceEquals(other, var))
            {
                throw new ArgumentException(
                    $"A distributed context var named '{var.Name}' already exists ({other}). Names identify distributed vars on other nodes, " +
                    "so each may be declared once: keep it in a static readonly field, or give this one another name.",
                    nameof(var));
            }

            s_byName[var.Name] = new WeakReference<IContextVar>(var);
        }
    }

    internal static IContextVar? Find(string name)
    {
        if (!s_builtInsRegistered)
        {
            // The library's own distributed vars (the deadline, the trace) must be known before a payload is decoded, even on a
            // node whose code never touched them: running their class's initializer registers them.
            RuntimeHelpers.RunClassConstructor(typeof(FlowDeadline).TypeHandle);
            RuntimeHelpers.RunClassConstructor(typeof(TraceCarrier).TypeHandle);
            s_builtInsRegistered = true;
        }

        return s_byName.TryGetValue(name, out var reference) && reference.TryGetTarget(out var var) ? var : null;
    }
}
