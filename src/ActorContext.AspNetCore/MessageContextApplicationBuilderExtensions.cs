using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ActorContext.AspNetCore;

/// <summary>ASP.NET Core edge: <c>app.UseMessageContext(...)</c> makes each HTTP request a flow.</summary>
/// <example>
/// <code>
/// static readonly ContextVar&lt;string&gt; RequestId = new("request-id");
///
/// app.UseMessageContext(o =>
/// {
///     o.RequestId = RequestId;                     // required: the var the ID is set in
///     o.MaxTimeout = TimeSpan.FromSeconds(10);     // optional: honour X-Request-Timeout up to 10 s
/// });
/// app.MapGet("/orders/{id}", (string id, IRequiredActor&lt;Orders&gt; orders) =>
///     orders.ActorRef.Ask&lt;Order&gt;(new GetOrder(id), FlowDeadline.Token));   // every hop sees RequestId
/// </code>
/// </example>
/// <remarks>
/// <para>
/// For every request the middleware takes the request ID from <see cref="MessageContextHttpOptions.RequestIdHeader"/>
/// (<c>X-Request-ID</c>). An ID that is absent, sent twice, empty, longer than
/// <see cref="MessageContextHttpOptions.MaxRequestIdLength"/> or with anything but visible ASCII is replaced by a
/// generated one — never an error response; a refused header is logged as a warning (without its value), an absent
/// one at debug level. The ID is set in <see cref="MessageContextHttpOptions.RequestId"/> for the rest of the
/// pipeline — the endpoint, and with the Akka integration every actor its messages reach — and echoed in the
/// response's header of the same name.
/// </para>
/// <para>
/// The rest of the pipeline runs in a <see cref="FlowDeadline"/> scope: with
/// <see cref="MessageContextHttpOptions.MaxTimeout"/> set, a client's <c>X-Request-Timeout: &lt;ms&gt;</c> (cut to the
/// maximum) or else <see cref="MessageContextHttpOptions.DefaultTimeout"/> is the flow's deadline; and
/// <c>HttpContext.RequestAborted</c> cancels the flow while the request runs, so messages for a client that went away
/// are dropped and handlers awaiting <see cref="FlowDeadline.Token"/> stop. Pass <see cref="FlowDeadline.Token"/> to
/// <c>Ask</c>: when the deadline passes first, the <see cref="OperationCanceledException"/> that escapes the endpoint
/// is answered <c>504 Gateway Timeout</c> (if the response has not started); when the client went away, it is
/// swallowed (nobody is left to answer).
/// </para>
/// <para>
/// W3C <c>traceparent</c>, <c>tracestate</c> and <c>baggage</c> need nothing from this middleware: ASP.NET Core makes
/// them the request's <c>Activity.Current</c>, which travels with every message, so the actors' hops join the
/// client's trace. Put the middleware early, before anything that sends messages or logs per request.
/// </para>
/// </remarks>
public static class MessageContextApplicationBuilderExtensions
{
    private const string AddedKey = "ActorContext.AspNetCore.UseMessageContext";

    /// <summary>Makes each HTTP request a flow whose request ID is set in <paramref name="requestId"/>, with default options.</summary>
    /// <param name="app">The application's pipeline.</param>
    /// <param name="requestId">The var the request ID is set in.</param>
    /// <returns>The same pipeline.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="InvalidOperationException">The pipeline already has the middleware.</exception>
    public static IApplicationBuilder UseMessageContext(this IApplicationBuilder app, ContextVar<string> requestId)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(requestId);
        return app.UseMessageContext(new MessageContextHttpOptions { RequestId = requestId });
    }

    /// <summary>Makes each HTTP request a flow, configuring the options.</summary>
    /// <param name="app">The application's pipeline.</param>
    /// <param name="configure">Sets the options; <see cref="MessageContextHttpOptions.RequestId"/> is required.</param>
    /// <returns>The same pipeline.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The configured options cannot work; the message says which one to fix.</exception>
    /// <exception cref="InvalidOperationException">The pipeline already has the middleware.</exception>
    public static IApplicationBuilder UseMessageContext(this IApplicationBuilder app, Action<MessageContextHttpOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new MessageContextHttpOptions();
        configure(options);
        return Use(app, options, nameof(configure));
    }

    /// <summary>Makes each HTTP request a flow with the given options.</summary>
    /// <param name="app">The application's pipeline.</param>
    /// <param name="options">The options; <see cref="MessageContextHttpOptions.RequestId"/> is required. Read once, here.</param>
    /// <returns>The same pipeline.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The options cannot work; the message says which one to fix.</exception>
    /// <exception cref="InvalidOperationException">The pipeline already has the middleware.</exception>
    public static IApplicationBuilder UseMessageContext(this IApplicationBuilder app, MessageContextHttpOptions options)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(options);
        return Use(app, options, nameof(options));
    }

    private static IApplicationBuilder Use(IApplicationBuilder app, MessageContextHttpOptions options, string paramName)
    {
        options.Validate(paramName);

        // Twice in one pipeline, the inner one would replace the outer one's ID (a generated one, when the client sent
        // none) while the response echoed the outer one. A branch (app.Map) sees the properties of the pipeline it was
        // made from, so it is refused there too.
        if (app.Properties.ContainsKey(AddedKey))
        {
            throw new InvalidOperationException(
                "UseMessageContext() was already called on this pipeline (or on the one this branch was made from): call it once, " +
                "early in the pipeline, with all the options.");
        }

        app.Properties[AddedKey] = true;
        var logger = app.ApplicationServices.GetService<ILoggerFactory>()?.CreateLogger(typeof(MessageContextMiddleware).FullName!)
            ?? NullLogger.Instance;
        return app.Use(next => new MessageContextMiddleware(next, options, logger).InvokeAsync);
    }
}
