using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;

namespace ActorContext.AspNetCore;

/// <summary>How <c>app.UseMessageContext()</c> turns an HTTP request into a flow (see <see cref="MessageContextApplicationBuilderExtensions"/>).</summary>
public sealed class MessageContextHttpOptions
{
    /// <summary>The header <see cref="RequestIdHeader"/> has unless changed: <c>X-Request-ID</c>.</summary>
    public const string DefaultRequestIdHeader = "X-Request-ID";

    /// <summary>The header <see cref="TimeoutHeader"/> has unless changed: <c>X-Request-Timeout</c>.</summary>
    public const string DefaultTimeoutHeader = "X-Request-Timeout";

    /// <summary>
    /// The var that holds the request ID while the request runs — in the endpoint and in every actor its messages
    /// reach. Required: declare it once, e.g. <c>static readonly ContextVar&lt;string&gt; RequestId = new("request-id");</c>
    /// (its name is what log scopes show).
    /// </summary>
    public ContextVar<string>? RequestId { get; set; }

    /// <summary>
    /// The request header the client's request ID is read from, and the response header it is echoed in.
    /// Default <c>X-Request-ID</c>.
    /// </summary>
    public string RequestIdHeader { get; set; } = DefaultRequestIdHeader;

    /// <summary>
    /// The longest request ID accepted from a client, in characters (default 128). A longer one is replaced by a
    /// generated ID.
    /// </summary>
    public int MaxRequestIdLength { get; set; } = 128;

    /// <summary>
    /// Makes the ID of a request whose header is absent or invalid. Default: 16 random lowercase hex digits.
    /// What it returns must itself be a valid ID (1 to <see cref="MaxRequestIdLength"/> visible ASCII characters).
    /// </summary>
    public Func<HttpContext, string> GenerateRequestId { get; set; } = static _ => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    /// <summary>
    /// The request header a client states its budget in, as whole milliseconds (<c>X-Request-Timeout: 2500</c>).
    /// Read only when <see cref="MaxTimeout"/> is set. Default <c>X-Request-Timeout</c>.
    /// </summary>
    public string TimeoutHeader { get; set; } = DefaultTimeoutHeader;

    /// <summary>
    /// The longest budget a client may ask for in <see cref="TimeoutHeader"/>; a longer one is cut to this. Null (the
    /// default) ignores the header. At most one day.
    /// </summary>
    public TimeSpan? MaxTimeout { get; set; }

    /// <summary>
    /// The budget of a request that states none (or states an invalid one). Null (the default): such a request has no
    /// deadline, only cancellation when its client goes away. At most one day.
    /// </summary>
    public TimeSpan? DefaultTimeout { get; set; }

    // A budget for an HTTP request beyond a day is a mistake (and far beyond one would overflow the monotonic clock).
    private static readonly TimeSpan LongestTimeout = TimeSpan.FromDays(1);

    /// <summary>Throws <see cref="ArgumentException"/> when the options cannot work, saying which one to fix.</summary>
    /// <param name="paramName">The argument the options came from.</param>
    internal void Validate(string paramName)
    {
        if (RequestId is null)
        {
            throw new ArgumentException(
                $"{nameof(MessageContextHttpOptions)}.{nameof(RequestId)} is not set: declare a var once " +
                "(static readonly ContextVar<string> RequestId = new(\"request-id\");) and pass it: " +
                "app.UseMessageContext(o => o.RequestId = RequestId).", paramName);
        }

        if (string.IsNullOrWhiteSpace(RequestIdHeader))
        {
            throw new ArgumentException($"{nameof(MessageContextHttpOptions)}.{nameof(RequestIdHeader)} must name a header, e.g. \"{DefaultRequestIdHeader}\".", paramName);
        }

        if (MaxRequestIdLength < 1)
        {
            throw new ArgumentException($"{nameof(MessageContextHttpOptions)}.{nameof(MaxRequestIdLength)} must be at least 1, not {MaxRequestIdLength}.", paramName);
        }

        if (GenerateRequestId is null)
        {
            throw new ArgumentException($"{nameof(MessageContextHttpOptions)}.{nameof(GenerateRequestId)} must not be null.", paramName);
        }

        if (MaxTimeout is not null && string.IsNullOrWhiteSpace(TimeoutHeader))
        {
            throw new ArgumentException($"{nameof(MessageContextHttpOptions)}.{nameof(TimeoutHeader)} must name a header, e.g. \"{DefaultTimeoutHeader}\", when {nameof(MaxTimeout)} is set.", paramName);
        }

        if (MaxTimeout is { } max && (max < TimeSpan.Zero || max > LongestTimeout))
        {
            throw new ArgumentException($"{nameof(MessageContextHttpOptions)}.{nameof(MaxTimeout)} must be between zero and {LongestTimeout}, not {max}.", paramName);
        }

        if (DefaultTimeout is { } fallback && (fallback < TimeSpan.Zero || fallback > LongestTimeout))
        {
            throw new ArgumentException($"{nameof(MessageContextHttpOptions)}.{nameof(DefaultTimeout)} must be between zero and {LongestTimeout}, not {fallback}.", paramName);
        }
    }
}
