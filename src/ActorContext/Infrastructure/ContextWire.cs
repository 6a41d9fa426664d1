using System.ComponentModel;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;

namespace ActorContext.Infrastructure;

/// <summary>
/// A context in ActorContext's closed wire format: the seam ActorContext.Remote uses to put a message's context into
/// its frame and to read it back.
/// </summary>
/// <remarks>
/// For ActorContext packages; not for applications; changes between versions, which is why ActorContext packages depend
/// on each other at exactly one version.
/// </remarks>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class ContextWire
{
    /// <summary>Whether <paramref name="context"/> has entries that cross nodes (a transport sends nothing for it otherwise).</summary>
    /// <param name="context">The context a message carries, if any.</param>
    /// <returns>False for null or a context of local entries only.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool HasWireEntries([NotNullWhen(true)] ContextSnapshot? context) => context is not null && context.WireCount != 0;

    /// <summary>The distributed entries of <paramref name="context"/>, encoded; empty when it has none.</summary>
    /// <param name="context">The context a message carries, if any.</param>
    /// <returns>A new encoding every time: a transport that sends a context more than once keeps the bytes itself.</returns>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static byte[] Encode(ContextSnapshot? context) => ContextWireFormat.Encode(context);

    /// <summary>Whether <paramref name="context"/> carries a trace (set from the Activity current when it was captured).</summary>
    /// <param name="context">The context a message carries.</param>
    /// <returns>True when it has a trace entry.</returns>
    public static bool HasTrace(ContextSnapshot context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.Trace is not null;
    }

    /// <summary>The encoding of <paramref name="context"/> without its trace: for a context over the size limit because of it.</summary>
    /// <param name="context">The context a message carries.</param>
    /// <returns>The encoding.</returns>
    public static byte[] EncodeWithoutTrace(ContextSnapshot context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return ContextWireFormat.Encode(context.Without(TraceCarrier.Var));
    }

    /// <summary>The error for a message whose context is over the limit when it is about to cross nodes.</summary>
    /// <param name="encodedBytes">The encoded size.</param>
    /// <param name="limit">The limit in force.</param>
    /// <param name="hasTrace">Whether a trace is part of that size.</param>
    /// <returns>The exception to throw.</returns>
    public static ContextTooLargeException TooLarge(int encodedBytes, int limit, bool hasTrace) =>
        ContextTooLargeException.ForMessage(encodedBytes, limit, hasTrace);

    /// <summary>Decodes a context read from the wire, possibly from another node, possibly hostile.</summary>
    /// <param name="payload">The encoded context.</param>
    /// <param name="maxBytes">The size limit in force.</param>
    /// <returns>A new context, or null when it has no entries (a transport that receives the same bytes again keeps the context itself).</returns>
    /// <exception cref="ContextFormatException">The bytes are truncated, corrupted, over the limit or name a var of another type.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ContextSnapshot? Decode(ReadOnlySpan<byte> payload, int maxBytes) => ContextWireFormat.Decode(payload, maxBytes);
}
