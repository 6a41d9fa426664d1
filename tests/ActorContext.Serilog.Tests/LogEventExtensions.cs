using Serilog.Events;

namespace ActorContext.Serilog.Tests;

internal static class LogEventExtensions
{
    /// <summary>The raw value of a scalar property, or null when the event has no such property.</summary>
    public static object? Scalar(this LogEvent logEvent, string name)
    {
        if (!logEvent.Properties.TryGetValue(name, out var value))
        {
            return null;
        }

        return Assert.IsType<ScalarValue>(value).Value;
    }
}
