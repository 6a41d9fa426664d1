using Akka.Actor;

namespace ActorContext.Remote.Tests.Support;

/// <summary>
/// The vars the cluster tests send across nodes. Every node of the test runs in this one process, so each
/// distributed var is declared once and seen by all of them; names are unique in the process.
/// </summary>
internal static class Vars
{
    public static readonly ContextVar<string> RequestId = new("cluster-request-id", ContextScope.Distributed);
    public static readonly ContextVar<int> Number = new("cluster-number", ContextScope.Distributed);
    public static readonly ContextVar<Guid> Id = new("cluster-guid", ContextScope.Distributed);
    public static readonly ContextVar<DateTimeOffset> When = new("cluster-when", ContextScope.Distributed);
    public static readonly ContextVar<byte[]> Blob = new("cluster-blob", ContextScope.Distributed);

    /// <summary>Set by a replier before it answers, so the reply's context can be told apart from the request's.</summary>
    public static readonly ContextVar<string> ReplyTag = new("cluster-reply-tag", ContextScope.Distributed);

    /// <summary>Process-scoped: must never reach another node.</summary>
    public static readonly ContextVar<string> LocalOnly = new("cluster-local-only");

    /// <summary>A RequestContext key (entries always cross).</summary>
    public const string TenantKey = "cluster-tenant";

    /// <summary>
    /// Everything the running code sees in its context, as one comparable string ("-" for a missing value).
    /// A receiver reports this; the test compares it with what the sender had.
    /// </summary>
    public static string Reading() => Format(includeLocal: true);

    /// <summary>What a receiver on another node should read when the sender's context is the current one.</summary>
    public static string ExpectedRemotely() => Format(includeLocal: false);

    private static string Format(bool includeLocal) => string.Join('|',
        $"rid={(RequestId.TryGet(out var rid) ? rid : "-")}",
        $"n={(Number.TryGet(out var n) ? n.ToString(System.Globalization.CultureInfo.InvariantCulture) : "-")}",
        $"g={(Id.TryGet(out var g) ? g.ToString("N") : "-")}",
        $"t={(When.TryGet(out var t) ? t.ToString("O", System.Globalization.CultureInfo.InvariantCulture) : "-")}",
        $"b={(Blob.TryGet(out var b) ? Convert.ToHexString(b) : "-")}",
        $"rc={RequestContext.Get(TenantKey) ?? "-"}",
        $"reply={(ReplyTag.TryGet(out var r) ? r : "-")}",
        $"local={(includeLocal && LocalOnly.TryGet(out var l) ? l : "-")}");

    /// <summary>Runs <paramref name="body"/> in a new context holding only <paramref name="requestId"/>.</summary>
    public static T InContext<T>(string requestId, Func<T> body) =>
        new MessageContext().Run(() =>
        {
            RequestId.Set(requestId);
            return body();
        });

    /// <summary>The node an actor system listens on.</summary>
    public static string NodeOf(ActorSystem system) => ((ExtendedActorSystem)system).Provider.DefaultAddress.ToString();
}
