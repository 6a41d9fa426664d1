using System.ComponentModel;

namespace ActorContext.Infrastructure;

/// <summary>
/// The current context's entries as log surfaces show them: the seam ActorContext.Serilog and ActorContext.Hosting use
/// to read the context without a copy.
/// </summary>
/// <remarks>
/// For ActorContext packages; not for applications (read <see cref="MessageContext.CopyCurrent"/> instead); changes
/// between versions, which is why ActorContext packages depend on each other at exactly one version.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ContextEntries
{
    /// <summary>
    /// The current entries every public surface shows: without the library's own entries (trace, deadline), and an entry
    /// forwarded for a var this node does not declare as its decoded wire value. Empty when nothing is set.
    /// </summary>
    /// <returns>The entries, read lazily from the current snapshot (which never changes once taken).</returns>
    public static IEnumerable<KeyValuePair<IContextVar, object?>> Current() =>
        ContextSnapshot.Current is { IsEmpty: false } snapshot ? snapshot.VisibleEntries() : [];
}
