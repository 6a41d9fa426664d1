namespace ActorContext.Akka;

/// <summary>
/// Names for tracing actor hops with <see cref="System.Diagnostics.Activity"/> and OpenTelemetry.
/// </summary>
/// <remarks>
/// <para>
/// Whatever <see cref="System.Diagnostics.Activity.Current"/> is when a message is sent travels with it (trace id,
/// span id, trace flags, trace state, baggage), to other nodes too, and the receiver's Receive runs under it.
/// </para>
/// <para>
/// Listen to the <see cref="ActivitySourceName"/> source (OpenTelemetry: <c>AddSource(MessageContextTracing.ActivitySourceName)</c>,
/// or <c>AddActorContextInstrumentation()</c> from the ActorContext.OpenTelemetry package) to get one span per hop:
/// a <see cref="System.Diagnostics.ActivityKind.Consumer"/> span named <c>receive &lt;MessageType&gt;</c>, child of the
/// sender's span, with the attributes <c>akka.actor.path</c>, <c>akka.actor.type</c>, <c>akka.message.type</c> and
/// <c>akka.hop</c> (<c>tell</c>, <c>ask</c> or <c>scheduled</c>). Nobody listening means no span and no allocation
/// for it. Akka's own actors (remoting, sharding, routers' plumbing) get no span: the trace passes through them.
/// </para>
/// </remarks>
public static class MessageContextTracing
{
    /// <summary>The name of the <see cref="System.Diagnostics.ActivitySource"/> that reports actor hops.</summary>
    public const string ActivitySourceName = "ActorContext.Akka";
}
