using ActorContext.Akka;
using OpenTelemetry.Trace;

namespace ActorContext.OpenTelemetry;

/// <summary>OpenTelemetry integration: <c>tracing.AddActorContextInstrumentation()</c>.</summary>
/// <example>
/// <code>
/// builder.Services.AddOpenTelemetry().WithTracing(tracing => tracing
///     .AddSource("MyApp")
///     .AddActorContextInstrumentation()
///     .AddOtlpExporter());
/// </code>
/// </example>
public static class TracerProviderBuilderExtensions
{
    /// <summary>
    /// Reports one span per actor hop (see <see cref="MessageContextTracing"/>): each message's Receive becomes a
    /// child span of the span that sent it, locally and across nodes.
    /// </summary>
    /// <param name="builder">The tracer provider builder.</param>
    /// <returns>The same builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    /// <remarks>
    /// The trace itself propagates with or without this call (propagation is on wherever
    /// <c>WithMessageContext()</c> is); this only adds the hop spans. The sampler decides as for any other span, with
    /// the sender's span as parent: a parent-based sampler keeps a trace the edge did not sample unrecorded on every hop.
    /// </remarks>
    public static TracerProviderBuilder AddActorContextInstrumentation(this TracerProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddSource(MessageContextTracing.ActivitySourceName);
    }
}
