namespace ActorContext;

/// <summary>What the wire format needs from a distributed var with a codec, without knowing its type.</summary>
internal interface IWireVar
{
    bool HasCodec { get; }

    byte[] EncodeValue(object value);

    object? DecodeValue(ReadOnlySpan<byte> bytes);
}
