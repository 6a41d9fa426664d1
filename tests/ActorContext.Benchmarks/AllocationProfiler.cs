using System.Diagnostics.Tracing;
using System.Globalization;

namespace ActorContext.Benchmarks;

/// <summary>
/// Samples what a stretch of code allocates, by type, from the runtime's GCAllocationTick events (one event about
/// every 100 KB allocated, naming the type that crossed the threshold). Used by <c>--quick --alloc-profile</c>.
/// </summary>
/// <remarks>The listener's own dispatch allocates too (its event args show up under System.Diagnostics.Tracing types).</remarks>
internal sealed class AllocationProfiler : EventListener
{
    private const string RuntimeSource = "Microsoft-Windows-DotNETRuntime";
    private const EventKeywords GcKeyword = (EventKeywords)0x1;

    private readonly Dictionary<string, long> _bytesByType = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private bool _recording;

    public void Start()
    {
        lock (_gate)
        {
            _bytesByType.Clear();
            _recording = true;
        }
    }

    /// <summary>Stops recording and returns the sampled bytes per type, largest first.</summary>
    public IReadOnlyList<KeyValuePair<string, long>> Stop()
    {
        // Runtime events reach listeners asynchronously; give the last ones time to arrive.
        Thread.Sleep(1500);
        lock (_gate)
        {
            _recording = false;
            return [.. _bytesByType.OrderByDescending(static p => p.Value)];
        }
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == RuntimeSource)
        {
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventName is null || !eventData.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || eventData.PayloadNames is null)
        {
            return;
        }

        var typeIndex = eventData.PayloadNames.IndexOf("TypeName");
        var amountIndex = eventData.PayloadNames.IndexOf("AllocationAmount64");
        if (amountIndex < 0)
        {
            amountIndex = eventData.PayloadNames.IndexOf("AllocationAmount");
        }

        if (typeIndex < 0 || amountIndex < 0 || eventData.Payload is null)
        {
            return;
        }

        var type = eventData.Payload[typeIndex] as string ?? "?";
        var amount = Convert.ToInt64(eventData.Payload[amountIndex], CultureInfo.InvariantCulture);
        lock (_gate)
        {
            if (_recording)
            {
                _bytesByType[type] = _bytesByType.GetValueOrDefault(type) + amount;
            }
        }
    }
}
