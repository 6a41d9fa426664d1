namespace ActorContext;

/// <summary>
/// Turns a distributed <see cref="ContextVar{T}"/>'s value into bytes and back, for value types that are not
/// wire-safe by themselves.
/// </summary>
/// <typeparam name="T">The var's value type.</typeparam>
/// <remarks>
/// The bytes travel inside ActorContext's closed wire format, length-prefixed and counted against the context's
/// size limit. <see cref="Decode"/> receives bytes from another node: treat them as untrusted and throw on anything
/// malformed — the exception is reported as a <see cref="ContextFormatException"/>.
/// </remarks>
public interface IContextCodec<T>
{
    /// <summary>Encodes <paramref name="value"/>.</summary>
    /// <param name="value">The value to encode (never null: null values are encoded by the format itself).</param>
    byte[] Encode(T value);

    /// <summary>Decodes what <see cref="Encode"/> produced, possibly on another node.</summary>
    /// <param name="bytes">The encoded value.</param>
    T Decode(ReadOnlySpan<byte> bytes);
}
