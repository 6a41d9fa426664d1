using ActorContext;

namespace ActorContext.StreamsSample;

/// <summary>The request ID each request sets once at the edge.</summary>
internal static class Ids
{
    internal static readonly ContextVar<string> RequestId = new("request-id");
}

/// <summary>An order offered to the stream.</summary>
internal sealed record Order(int Number);

/// <summary>The pricing actor's answer.</summary>
internal sealed record Priced(int Number, decimal Price);
