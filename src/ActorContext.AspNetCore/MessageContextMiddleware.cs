using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace ActorContext.AspNetCore;

/// <summary>
/// The edge: each HTTP request runs the rest of the pipeline as a flow with its request ID in the user's var, and a
/// deadline or cancellation scope that the client's disconnect cancels.
/// </summary>
internal sealed partial class MessageContextMiddleware
{
    private readonly RequestDelegate _next;
    private readonly ILogger _logger;
    private readonly ContextVar<string> _requestId;
    private readonly string _requestIdHeader;
    private readonly int _maxRequestIdLength;
    private readonly Func<HttpContext, string> _generate;
    private readonly string _timeoutHeader;
    private readonly TimeSpan? _maxTimeout;
    private readonly TimeSpan? _defaultTimeout;

    /// <summary>Copies the (validated) options, so changing them later changes nothing.</summary>
    public MessageContextMiddleware(RequestDelegate next, MessageContextHttpOptions options, ILogger logger)
    {
        _next = next;
        _logger = logger;
        _requestId = options.RequestId!;
        _requestIdHeader = options.RequestIdHeader;
        _maxRequestIdLength = options.MaxRequestIdLength;
        _generate = options.GenerateRequestId;
        _timeoutHeader = options.TimeoutHeader;
        _maxTimeout = options.MaxTimeout;
        _defaultTimeout = options.DefaultTimeout;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        var id = RequestIdOf(context);
        var budget = BudgetOf(context);

        // Set when the response starts, not now: an exception handler further in clears the headers before it answers.
        context.Response.OnStarting(
            static state =>
            {
                var (response, header, value) = ((HttpResponse, string, string))state;
                response.Headers[header] = value;
                return Task.CompletedTask;
            },
            (context.Response, _requestIdHeader, id));

        // Changes made here stay in this flow: an async method's changes never reach its caller (Kestrel).
        using var requestId = _requestId.Set(id);
        using var flow = budget is { } timeout ? FlowDeadline.WithTimeout(timeout) : FlowDeadline.WithCancellation();

        // The client going away cancels the flow: messages it sent that no actor has started on go to dead letters,
        // and handlers awaiting FlowDeadline.Token stop. Only while the request runs: once it has been answered, work
        // it started (a Tell to an audit log, say) is no longer tied to the connection.
        using var aborted = context.RequestAborted.UnsafeRegister(static state => ((FlowCancellation)state!).Cancel(), flow);
        try
        {
            await _next(context);
        }
        catch (OperationCanceledException) when (flow.Token.IsCancellationRequested)
        {
            if (context.RequestAborted.IsCancellationRequested)
            {
                // Nobody is left to answer.
                LogClientGone(_logger, id);
                return;
            }

            if (context.Response.HasStarted)
            {
                throw;
            }

            LogDeadlineExceeded(_logger, id, Describe(budget));
            context.Response.Clear();
            context.Response.StatusCode = StatusCodes.Status504GatewayTimeout;
        }
    }

    /// <summary>The client's ID if it is acceptable, else a generated one (and a log line saying why).</summary>
    private string RequestIdOf(HttpContext context)
    {
        var values = context.Request.Headers[_requestIdHeader];
        if (values.Count == 0)
        {
            var generated = Generate(context);
            LogGenerated(_logger, _requestIdHeader, generated);
            return generated;
        }

        var problem = EdgeHeaders.RejectRepeated(values) ?? EdgeHeaders.RejectRequestId(values.ToString(), _maxRequestIdLength);
        if (problem is null)
        {
            return values.ToString();
        }

        var replacement = Generate(context);
        LogRejected(_logger, _requestIdHeader, problem, replacement);
        return replacement;
    }

    private string Generate(HttpContext context)
    {
        var id = _generate(context);
        if (EdgeHeaders.RejectRequestId(id, _maxRequestIdLength) is { } problem)
        {
            throw new InvalidOperationException(
                $"{nameof(MessageContextHttpOptions)}.{nameof(MessageContextHttpOptions.GenerateRequestId)} made an ID that is not valid: {problem}. " +
                $"Return 1 to {_maxRequestIdLength} visible ASCII characters.");
        }

        return id;
    }

    /// <summary>The request's budget: the client's (cut to the maximum) when it may state one, else the default.</summary>
    private TimeSpan? BudgetOf(HttpContext context)
    {
        if (_maxTimeout is not { } max)
        {
            return _defaultTimeout;
        }

        var values = context.Request.Headers[_timeoutHeader];
        if (values.Count == 0)
        {
            return _defaultTimeout;
        }

        if (EdgeHeaders.TryReadTimeout(values, max, out var budget, out var problem))
        {
            return budget;
        }

        LogTimeoutRejected(_logger, _timeoutHeader, problem!, Describe(_defaultTimeout));
        return _defaultTimeout;
    }

    private static string Describe(TimeSpan? budget) =>
        budget is { } b ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{b.TotalMilliseconds:F0} ms") : "none";

    [LoggerMessage(1, LogLevel.Debug, "No {Header} header: using generated request ID {GeneratedId}")]
    private static partial void LogGenerated(ILogger logger, string header, string generatedId);

    [LoggerMessage(2, LogLevel.Warning, "{Header} header refused ({Problem}): using generated request ID {GeneratedId}")]
    private static partial void LogRejected(ILogger logger, string header, string problem, string generatedId);

    [LoggerMessage(3, LogLevel.Warning, "{Header} header ignored ({Problem}): the request's budget is {Budget}")]
    private static partial void LogTimeoutRejected(ILogger logger, string header, string problem, string budget);

    [LoggerMessage(4, LogLevel.Information, "Request {RequestId} overran its deadline ({Budget}): answering 504")]
    private static partial void LogDeadlineExceeded(ILogger logger, string requestId, string budget);

    [LoggerMessage(5, LogLevel.Debug, "Request {RequestId} cancelled: the client went away")]
    private static partial void LogClientGone(ILogger logger, string requestId);
}
