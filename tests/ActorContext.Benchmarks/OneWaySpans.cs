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
    /// source the same provider samples, under a running parent (as a hop span has one); median of 5 timings. With
    /// <paramref name="hopTags"/>, the Activity gets the four tags a hop span gets instead (for itemizing the hop's cost).
    /// </summary>
    public static double MeasureSpanFloorNs(long operations, bool hopTags = false)
    {
        using var parent = new Activity("edge").Start();
        Loop(Math.Max(operations / 4, 1000), hopTags);
        var timings = new List<double>();
        for (var i = 0; i < 5; i++)
        {
            var sw = Stopwatch.StartNew();
            Loop(operations, hopTags);
            timings.Add(sw.Elapsed.TotalNanoseconds / operations);
        }

        timings.Sort();
        return timings[timings.Count / 2];

        static void Loop(long operations, bool hopTags)
        {
            for (var i = 0L; i < operations; i++)
            {
                using var span = s_floor.StartActivity("floor", ActivityKind.Consumer);
                if (span is null)
                {
                    continue;
                }

                span.SetTag("akka.hop", "tell");
                if (hopTags)
                {
                    // What a hop adds: its actor's path (formatted once per actor), type and message type.
                    span.SetTag("akka.actor.path", "akka://ctx/user/$a");
                    span.SetTag("akka.actor.type", typeof(OneWaySpans).FullName);
                    span.SetTag("akka.message.type", typeof(Scenarios.Msg).FullName);
                }
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
