namespace ActorContext.ConsoleHost;

/// <summary>
/// The sample's settings: section <c>ConsoleHost</c> of appsettings.json, overridden by the command line.
/// </summary>
internal sealed class SampleOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "ConsoleHost";

    /// <summary>Serve until Ctrl+C / SIGTERM instead of running the self-test.</summary>
    public bool Serve { get; set; }

    /// <summary>The loopback port to serve on (<c>--serve</c>); the self-test always takes a free one.</summary>
    public int Port { get; set; } = 8081;

    /// <summary>How many concurrent requests the self-test fires.</summary>
    public int Requests { get; set; } = 20;

    /// <summary>The shortest random delay of an asynchronous hop, in milliseconds.</summary>
    public int MinDelayMs { get; set; } = 5;

    /// <summary>The longest random delay of an asynchronous hop, in milliseconds.</summary>
    public int MaxDelayMs { get; set; } = 40;

    /// <summary>How long a request may take before its client gets <c>error: timeout</c>.</summary>
    public int RequestTimeoutMs { get; set; } = 10_000;

    /// <summary>
    /// Each request's budget in milliseconds (<c>FlowDeadline.WithTimeout</c> at the edge); a request that overruns it
    /// is answered <c>error: deadline exceeded</c>. Null (the default): no deadline.
    /// </summary>
    public int? DeadlineMs { get; set; }

    /// <summary>How many requests of one connection may be in flight before the server stops reading from it.</summary>
    public int MaxInFlightPerConnection { get; set; } = 32;

    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        Check(Port is >= 0 and <= 65535, "Port must be 0–65535.");
        Check(Requests >= 1, "Requests must be at least 1.");
        Check(MinDelayMs >= 0 && MaxDelayMs >= MinDelayMs, "Delays must satisfy 0 <= MinDelayMs <= MaxDelayMs.");
        Check(RequestTimeoutMs > 0, "RequestTimeoutMs must be positive.");
        Check(DeadlineMs is null or > 0, "DeadlineMs must be positive.");
        Check(MaxInFlightPerConnection >= 1, "MaxInFlightPerConnection must be at least 1.");

        static void Check(bool ok, string message)
        {
            if (!ok)
            {
                throw new ArgumentException($"Invalid {Section} setting: {message}");
            }
        }
    }
}
