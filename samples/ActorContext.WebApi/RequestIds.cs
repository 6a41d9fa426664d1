namespace ActorContext.WebApi;

/// <summary>The request ID: set by <c>UseMessageContext</c> for each HTTP request, read by every hop from its own context.</summary>
internal static class RequestIds
{
    /// <summary>What a hop reports when its context holds no request ID (a propagation bug).</summary>
    public const string Missing = "(none)";

    /// <summary>The var. Its name is what the logging scope shows: <c>request-id:3f2a9c0d1b7e6a55</c>.</summary>
    public static readonly ContextVar<string> Current = new("request-id");

    /// <summary>The ID as this hop's context sees it (never passed in a message).</summary>
    public static string Seen() => Current.Get(Missing);
}
