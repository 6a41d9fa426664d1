namespace ActorContext;

/// <summary>What the wire format needs from a distributed var with a codec, without knowing its type.</summary>
internal interface IWireVar
{
    bool HasCodec { get; }

    /// <summary>Whether the var is one of the library's own entries (see <see cref="ContextSnapshot.IsLibraryOwned"/>).</summary>
    bool IsLibraryOwned { get; }

    byte[] EncodeValue(object value);

    object? DecodeValue(ReadOnlySpan<byte> bytes);
}
