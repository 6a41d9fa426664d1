using System.Collections.Concurrent;
using System.Diagnostics;
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
/// Activities join the sender's trace. The stand-in comes from no ActivitySource and is never stopped, so it is
/// never reported as a span.
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
    internal readonly record struct Hop(Activity? Previous, Activity? Span);

    /// <summary>Makes the trace carried by a message current for its Receive; with a span of its own when <paramref name="span"/> and someone listens.</summary>
    internal static Hop Enter(object trace, ActorCell cell, object message, bool scheduled, bool span)
    {
        var previous = Activity.Current;
        var parent = TraceCarrier.ContextOf(trace);
        if (span && s_source.HasListeners())
        {
            var hop = s_source.CreateActivity(SpanName(message), ActivityKind.Consumer, parent);
            if (hop is not null)
            {
                CopyBaggage(trace, hop);
                if (hop.IsAllDataRequested)
                {
                    hop.SetTag("akka.actor.path", cell.Self.Path.ToString());
                    hop.SetTag("akka.actor.type", cell.Props.Type?.FullName);
                    hop.SetTag("akka.message.type", message.GetType().FullName);
                    hop.SetTag("akka.hop", HopKind(cell.Sender, scheduled));
                }

                hop.Start();
                return new Hop(previous, hop);
            }
        }

        if (trace is Activity local && !local.IsStopped)
        {
            Activity.Current = local;
            return new Hop(previous, null);
        }

        var standIn = new Activity(StandInName);
        standIn.SetParentId(parent.TraceId, parent.SpanId, parent.TraceFlags);
        standIn.TraceStateString = parent.TraceState;
        CopyBaggage(trace, standIn);
        standIn.Start();
        return new Hop(previous, null);
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

    /// <summary>Ends the hop's span and puts back the Activity that was current before the message.</summary>
    internal static void Exit(in Hop hop)
    {
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

    /// <summary>Copies the sender's baggage so <see cref="Activity.Baggage"/> reads the same in the receiver.</summary>
    private static void CopyBaggage(object trace, Activity target)
    {
        // AddBaggage puts an item in front of the ones added before it: add in reverse to keep the order, and with it
        // which of two items with the same key wins.
        var baggage = TraceCarrier.BaggageOf(trace);
        var items = baggage as KeyValuePair<string, string?>[] ?? baggage.ToArray();
        for (var i = items.Length - 1; i >= 0; i--)
        {
            target.AddBaggage(items[i].Key, items[i].Value);
        }
    }
}
