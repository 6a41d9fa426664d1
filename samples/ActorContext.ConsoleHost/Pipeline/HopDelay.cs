namespace ActorContext.ConsoleHost.Pipeline;

/// <summary>A small random delay for the asynchronous hops (<c>MinDelayMs</c>–<c>MaxDelayMs</c>).</summary>
internal sealed class HopDelay(int minMs, int maxMs)
{
    /// <summary>The next delay in milliseconds.</summary>
    public int NextMs() => Random.Shared.Next(minMs, maxMs + 1);
}
