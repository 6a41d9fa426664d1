using System.Runtime.CompilerServices;

namespace ActorContext.Akka.Internal;

/// <summary>
/// An object's exact type as a number — its method-table pointer, read from the object's header — for per-message type
/// tests against types only known at run time.
/// </summary>
/// <remarks>
/// <c>message.GetType()</c> kept in a local, or compared with anything but a <c>typeof</c>, is a call that materializes
/// the <see cref="Type"/> object; the propagation path asks about a message's type on every send and receive. The
/// method-table pointer is the first word of every managed object (what the runtime's own <c>GetMethodTable</c>
/// reads) and equals <see cref="RuntimeTypeHandle.Value"/> for class types.
/// </remarks>
internal static class TypeKey
{
    /// <summary>The method-table pointer of <paramref name="value"/>'s exact type.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static nint Of(object value) => Unsafe.Add(ref Unsafe.As<byte, nint>(ref Unsafe.As<RawData>(value).Data), -1);

    /// <summary>The key of a non-generic class <paramref name="type"/>'s instances; 0 for none.</summary>
    internal static nint Of(Type? type) => type?.TypeHandle.Value ?? 0;

    // Any object seen through this class: its first field starts right after the method-table pointer.
    private sealed class RawData
    {
#pragma warning disable CS0649 // never written: only its address is used
        public byte Data;
#pragma warning restore CS0649
    }
}
