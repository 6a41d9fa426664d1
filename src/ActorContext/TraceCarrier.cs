using System.Diagnostics;

namespace ActorContext;

/// <summary>
/// The trace entry: the W3C trace context of an <see cref="Activity"/> inside a context snapshot, so it travels
/// wherever the snapshot travels: with messages, into timers, across nodes in the closed wire format.
/// </summary>
/// <remarks>
/// <para>
/// The trace is an internal distributed entry (<c>actor-context.trace</c>) whose value is a <see cref="TraceParent"/>:
/// the sender's ids, trace state and baggage frozen (and encoded) when the Activity was attached, plus the sender's
/// <see cref="Activity"/> itself within a process. Freezing keeps a context immutable while the Activity is not: its
/// baggage may change after a send, and the size counted for the entry must be the size encoded. A snapshot knows its
/// trace entry without a lookup (<see cref="ContextSnapshot.Trace"/>), so a receiver pays one field read when there is
/// none.
/// </para>
/// <para>
/// This is the entry's data and its encoding; when and how an Activity becomes the entry (the capture policy) is the
/// Akka integration's business (<c>ActorContext.Akka.Internal.TraceCapture</c>).
/// </para>
/// </remarks>
internal static class TraceCarrier
{
    internal const string VarName = "actor-context.trace";

    /// <summary>The trace entry.</summary>
    internal static readonly ContextVar<TraceParent> Var = ContextVar<TraceParent>.LibraryOwned(VarName, new TraceCodec());

    /// <summary>The W3C limit on a trace state header; longer (or non-printable) ones are not carried.</summary>
    internal const int MaxTraceStateLength = 512;

    /// <summary>A trace state as W3C allows it (printable ASCII, at most 512 characters), else null.</summary>
    internal static string? ValidTraceState(string? traceState)
    {
        if (string.IsNullOrEmpty(traceState) || traceState.Length > MaxTraceStateLength)
        {
            return null;
        }

        foreach (var c in traceState)
        {
            if (c is < (char)0x20 or > (char)0x7E)
            {
                return null;
            }
        }

        return traceState;
    }


    /// <summary>
    /// Version 1: <c>version:u8 traceId:16 spanId:8 flags:u8 traceStateLength:varint traceState:utf8 baggageCount:varint
    /// (keyLength:varint key:utf8 hasValue:u8 [valueLength:varint value:utf8])*</c>.
    /// </summary>
    internal sealed class TraceCodec : IContextCodec<TraceParent>
    {
        private const byte Version = 1;
        private const int MinBytes = 1 + 16 + 8 + 1 + 1 + 1;

        // Encoded once, when the trace is frozen: sizing and sending reuse the bytes.
        public byte[] Encode(TraceParent value) => value.Encoded;

        internal static byte[] EncodeParts(ActivityContext context, KeyValuePair<string, string?>[] baggage)
        {
            var traceState = context.TraceState ?? string.Empty;

            var size = 1 + 16 + 8 + 1 + WireWriter.StringSize(traceState) + WireWriter.VarintSize(baggage.Length);
            foreach (var (key, item) in baggage)
            {
                size += WireWriter.StringSize(key) + 1 + (item is null ? 0 : WireWriter.StringSize(item));
            }

            var buffer = new byte[size];
            var writer = new WireWriter(buffer);
            writer.WriteByte(Version);
            context.TraceId.CopyTo(writer.Reserve(16));
            context.SpanId.CopyTo(writer.Reserve(8));
            writer.WriteByte((byte)context.TraceFlags);
            writer.WriteString(traceState);
            writer.WriteVarint(baggage.Length);
            foreach (var (key, item) in baggage)
            {
                writer.WriteString(key);
                writer.WriteByte(item is null ? (byte)0 : (byte)1);
                if (item is not null)
                {
                    writer.WriteString(item);
                }
            }

            return buffer;
        }

        public TraceParent Decode(ReadOnlySpan<byte> bytes)
        {
            if (bytes.Length < MinBytes)
            {
                throw new FormatException($"A trace entry is at least {MinBytes} bytes, not {bytes.Length}.");
            }

            var reader = new WireReader(bytes, 0);
            var version = reader.ReadByte("trace version");
            if (version != Version)
            {
                throw new FormatException($"A trace entry has version {version}; this node reads version {Version}.");
            }

            var traceIdBytes = reader.ReadBytes(16, "trace id");
            var spanIdBytes = reader.ReadBytes(8, "span id");
            if (!traceIdBytes.ContainsAnyExcept((byte)0) || !spanIdBytes.ContainsAnyExcept((byte)0))
            {
                throw new FormatException("A trace entry has an all-zero trace or span id, which W3C trace context forbids.");
            }

            var traceId = ActivityTraceId.CreateFromBytes(traceIdBytes);
            var spanId = ActivitySpanId.CreateFromBytes(spanIdBytes);
            var flags = (ActivityTraceFlags)(reader.ReadByte("trace flags") & 0x01);
            var traceState = reader.ReadString("trace state length", "trace state");
            var count = reader.ReadVarint("baggage count");
            if (count > reader.Remaining / 2)
            {
                throw new FormatException($"A trace entry claims {count} baggage items, impossible in the {reader.Remaining} bytes that follow.");
            }

            var baggage = new KeyValuePair<string, string?>[count];
            for (var i = 0; i < count; i++)
            {
                var key = reader.ReadString("baggage key length", "baggage key");
                var hasValue = reader.ReadByte("baggage value marker");
                if (hasValue > 1)
                {
                    throw new FormatException($"A baggage item has value marker {hasValue}.");
                }

                baggage[i] = new(key, hasValue == 1 ? reader.ReadString("baggage value length", "baggage value") : null);
            }

            if (reader.Remaining != 0)
            {
                throw new FormatException($"A trace entry has {reader.Remaining} bytes after its baggage.");
            }

            // An invalid trace state (another implementation's, or a hostile one) is dropped, not the whole message.
            var valid = ValidTraceState(traceState);
            var context = new ActivityContext(traceId, spanId, flags, valid, isRemote: true);
            return new TraceParent(null, context, baggage, valid == (traceState.Length == 0 ? null : traceState) ? bytes.ToArray() : EncodeParts(context, baggage));
        }
    }
}
