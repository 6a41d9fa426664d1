using System.Collections.Concurrent;
using System.Diagnostics;
using ActorContext.Infrastructure;
using Akka.Actor;

namespace ActorContext.Akka.Internal;

/// <summary>
/// The receive side of trace propagation: makes the sender's trace the parent of whatever runs in Receive.
/// </summary>
/// <remarks>
/// <para>
/// When someone listens to <see cref="MessageContextTracing.ActivitySourceName"/>, each hop gets its own span, a child
/// of the sender's. Otherwise no span is made: the receiver runs under the sender's Activity itself while that is
/// still running (nothing allocated), or under a stand-in Activity with the sender's trace id, parent span id, flags,
/// trace state and baggage once it has stopped or came from another node — so log lines and the receiver's own
/// Activities join the sender's trace. The stand-in comes from no named ActivitySource (only listeners of the unnamed
/// default source, which OpenTelemetry ignores unless told otherwise, see it) and is stopped when Receive returns.
/// </para>
/// <para>
/// The span covers the synchronous part of Receive; the continuation of a <c>ReceiveAsync</c> handler still runs
/// under it (Activity.Current flows through awaits), so spans started there are its children.
/// </para>
/// </remarks>
internal static class HopTracing
{
    internal const string StandInName = "ActorContext.Receive";

    private static readonly ActivitySource s_source = new(
        MessageContextTracing.ActivitySourceName,
        typeof(HopTracing).Assembly.GetName().Version?.ToString(3));

    private static readonly ConcurrentDictionary<Type, string> s_spanNames = new();

    /// <summary>What <see cref="Exit"/> needs to undo <see cref="Enter"/>.</summary>
    /// <param name="Entry">The thread's ExecutionContext before the trace was entered, when it could be captured.</param>
    /// <param name="Previous">The Activity current before, for when it could not.</param>
    /// <param name="Span">The hop's span or stand-in, if one was started.</param>
    internal readonly record struct Hop(ExecutionContext? Entry, Activity? Previous, Activity? Span);

    /// <summary>
    /// The ExecutionContext that holds exactly (snapshot, Activity.Current = its running local trace), made by a traced
    /// receive: a burst of messages from one request enters it without allocating. Kept by the trace (see
    /// <see cref="ContextSnapshots.GetTraceReceiveCache"/>), so it lives as long as the request's messages, never longer.
    /// </summary>
    private sealed class Entered(ContextSnapshot snapshot, ExecutionContext executionContext)
    {
        public readonly ContextSnapshot Snapshot = snapshot;
        public readonly ExecutionContext ExecutionContext = executionContext;
    }

    /// <summary>Makes the trace carried by a message current for its Receive; with a span of its own when <paramref name="span"/> and someone listens.</summary>
    /// <remarks>Called right after the message's context snapshot was made current.</remarks>
    internal static Hop Enter(ContextSnapshot context, ContextActorCell cell, object message, bool scheduled, bool span)
    {
        var trace = ContextSnapshots.GetTrace(context)!;
        var entry = ExecutionContext.Capture();
        var previous = entry is null ? Activity.Current : null;
        var parent = ContextSnapshots.GetTraceContext(trace);
        if (span && s_source.HasListeners())
        {
            // The tags go in with the creation: the Activity builds its tag list in one go, where four SetTag calls
            // take the list's lock four times (one-way-spans: about 300 → 235 ns per hop above plain); samplers see them too.
            var type = cell.Props.Type?.FullName;
            var path = new KeyValuePair<string, object?>("akka.actor.path", cell.SpanPath);
            var messageType = new KeyValuePair<string, object?>("akka.message.type", message.GetType().FullName);
            var kind = new KeyValuePair<string, object?>("akka.hop", HopKind(cell.Sender, scheduled));
            KeyValuePair<string, object?>[] tags = type is null
                ? [path, messageType, kind]
                : [path, new KeyValuePair<string, object?>("akka.actor.type", type), messageType, kind];
            var hop = s_source.CreateActivity(SpanName(message), ActivityKind.Consumer, parent, tags);
            if (hop is not null)
            {
                TraceCapture.CopyBaggage(trace, hop);
                hop.Start();
                return new Hop(entry, previous, hop);
            }
        }

        if (ContextSnapshots.GetTraceActivity(trace) is { IsStopped: false } local)
        {
            // Only an ExecutionContext that holds nothing but the snapshot may be reused on another message: anything
            // else in it belongs to the code that ran before.
            var sole = ContextSnapshots.IsSoleExecutionContext(context, entry);
            if (sole && ContextSnapshots.GetTraceReceiveCache(trace) is Entered entered && ReferenceEquals(entered.Snapshot, context))
            {
                ExecutionContext.Restore(entered.ExecutionContext);
                return new Hop(entry, previous, null);
            }

            Activity.Current = local;
            if (sole && ExecutionContext.Capture() is { } made)
            {
                ContextSnapshots.SetTraceReceiveCache(trace, new Entered(context, made));
            }

            return new Hop(entry, previous, null);
        }

        return new Hop(entry, previous, TraceCapture.CreateStandIn(trace, StandInName).Start());
    }

    /// <summary>Records a failed Receive on the hop's span.</summary>
    internal static void Fail(in Hop hop, Exception exception)
    {
        if (hop.Span is { IsAllDataRequested: true } span)
        {
            span.SetStatus(ActivityStatusCode.Error, exception.Message);
            span.AddException(exception);
        }
    }

    /// <summary>Ends the hop's span and puts back what was current before the trace was entered.</summary>
    /// <remarks>
    /// Putting back the ExecutionContext from before costs nothing, where writing <c>Activity.Current</c> would copy
    /// it; the span is stopped afterwards, when it is no longer current, so stopping it writes nothing either.
    /// </remarks>
    internal static void Exit(in Hop hop)
    {
        if (hop.Entry is { } entry)
        {
            ExecutionContext.Restore(entry);
            hop.Span?.Stop();
            return;
        }

        hop.Span?.Stop();
        var previous = hop.Previous is { IsStopped: true } ? null : hop.Previous;
        if (!ReferenceEquals(Activity.Current, previous))
        {
            Activity.Current = previous;
        }
    }

    private static string HopKind(IActorRef? sender, bool scheduled)
    {
        if (scheduled)
        {
            return "scheduled";
        }

        // Ask's temporary actors live under /temp.
        return sender is not null && sender is not Nobody && sender.Path.Parent?.Name == "temp" ? "ask" : "tell";
    }

    private static string SpanName(object message) =>
        s_spanNames.GetOrAdd(message.GetType(), static type => "receive " + type.Name);
}
