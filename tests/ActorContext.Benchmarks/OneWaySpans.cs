using System.Diagnostics;
using ActorContext.OpenTelemetry;
using Akka.Actor;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace ActorContext.Benchmarks;

/// <summary>
/// <c>one-way-spans</c>: <c>one-way-traced</c> (the edge's Activity running until the last message was handled) in a
/// process with an OpenTelemetry TracerProvider that listens to the library's hop-span source, samples everything and
/// drops every span it is handed. With propagation each delivery makes a hop span; a plain system makes none (the same
/// provider is there, with nothing to listen to). Per process only (<c>--solo</c>, <c>--per-process</c>): a provider in
/// the quick mode's shared process would change every other scenario.
/// </summary>
internal sealed class OneWaySpans : IScenarioRun
{
    internal const string Name = "one-way-spans";

    /// <summary>The source of the floor measurement's Activities, listened to by the same provider.</summary>
    internal const string FloorSourceName = "ActorContext.Benchmarks.SpanFloor";

    private static readonly ActivitySource s_floor = new(FloorSourceName);

    private readonly TracerProvider _provider;
    private readonly IScenarioRun _flood;

    public OneWaySpans(ActorSystem system)
    {
        _provider = Sdk.CreateTracerProviderBuilder()
            .AddActorContextInstrumentation()
            .AddSource(FloorSourceName)
            .SetSampler(new AlwaysOnSampler())
            .AddProcessor(new DroppingProcessor())
            .Build()!;
        _flood = Scenarios.All.Concat(Scenarios.Last).Single(static s => s.Name == "one-way-traced").Start(system);
    }

    public long Run(long messages) => _flood.Run(messages);

    /// <summary>
    /// The floor of "a span per hop" in this process: nanoseconds to start and stop one Activity with one tag from a
    /// source the same provider samples, under a running parent (as a hop span has one); median of 5 timings.
    /// </summary>
    public double MeasureSpanFloorNs(long operations)
    {
        using var parent = new Activity("edge").Start();
        Loop(Math.Max(operations / 4, 1000));
        var timings = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            var sw = Stopwatch.StartNew();
            Loop(operations);
            timings.Add(sw.Elapsed.TotalNanoseconds / operations);
        }

        timings.Sort();
        return timings[timings.Count / 2];

        static void Loop(long operations)
        {
            for (var i = 0L; i < operations; i++)
            {
                using var span = s_floor.StartActivity("floor", ActivityKind.Consumer);
                span?.SetTag("akka.hop", "tell");
            }
        }
    }

    public void Dispose()
    {
        _flood.Dispose();
        _provider.Dispose();
    }

    /// <summary>Sees every ended span and keeps none: what is measured is making the spans, not exporting them.</summary>
    private sealed class DroppingProcessor : BaseProcessor<Activity>
    {
    }
}
