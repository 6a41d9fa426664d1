using System.Collections.Concurrent;
using System.Diagnostics;
using OpenTelemetry;
using ActorContext.OpenTelemetry;
using OpenTelemetry.Trace;

namespace ActorContext.Testing;

/// <summary>
/// An OpenTelemetry tracer provider with the library's instrumentation and the test's edge source, exporting every
/// finished span into a list the test reads (linked as source into the test projects that check hop spans).
/// </summary>
/// <remarks>Spans end on actor threads while the test reads, so the list is a concurrent queue read by snapshot.</remarks>
public sealed class SpanCapture : IDisposable
{
    private readonly ConcurrentQueue<Activity> _exported = new();
    private readonly TracerProvider _provider;

    /// <summary>Starts listening to <paramref name="edgeSourceName"/> and the library's hop spans, sampled parent-based by default.</summary>
    public SpanCapture(string edgeSourceName, Sampler? sampler = null) =>
        _provider = Sdk.CreateTracerProviderBuilder()
            .AddSource(edgeSourceName)
            .AddActorContextInstrumentation()
            .SetSampler(sampler ?? new ParentBasedSampler(new AlwaysOnSampler()))
            .AddProcessor(new SimpleActivityExportProcessor(new QueueExporter(_exported)))
            .Build()!;

    /// <summary>The spans exported so far, in the order they ended.</summary>
    public IReadOnlyList<Activity> Exported => [.. _exported];

    /// <summary>Stops listening.</summary>
    public void Dispose() => _provider.Dispose();

    private sealed class QueueExporter(ConcurrentQueue<Activity> exported) : BaseExporter<Activity>
    {
        public override ExportResult Export(in Batch<Activity> batch)
        {
            foreach (var activity in batch)
            {
                exported.Enqueue(activity);
            }

            return ExportResult.Success;
        }
    }
}
