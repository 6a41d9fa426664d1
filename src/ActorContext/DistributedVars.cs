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

    internal static IContextVar? Find(string name) =>
        s_byName.TryGetValue(name, out var reference) && reference.TryGetTarget(out var var) ? var : null;
}
