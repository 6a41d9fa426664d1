using System.CommandLine;
using System.Net;
using ActorContext.ConsoleHost;
using ActorContext.ConsoleHost.Load;
using ActorContext.ConsoleHost.Server;
using Microsoft.Extensions.Logging;

// The command line is parsed by System.CommandLine; what it sets overrides appsettings.json (section ConsoleHost, and
// Logging for the levels) inside the Generic Host's configuration, so every setting has one place to come from.
var serve = new Option<bool>("--serve") { Description = "Serve on 127.0.0.1 until Ctrl+C / SIGTERM instead of running the self-test." };
var port = new Option<int?>("--port") { Description = "The port for --serve and --load (default 8081)." };
var requests = new Option<int?>("--requests") { Description = "How many concurrent requests the self-test fires (default 20)." };
var minDelay = new Option<int?>("--min-delay-ms") { Description = "Shortest random delay of an asynchronous hop (default 5)." };
var maxDelay = new Option<int?>("--max-delay-ms") { Description = "Longest random delay of an asynchronous hop (default 40)." };
var deadline = new Option<int?>("--deadline") { Description = "Each request's budget in milliseconds; an overrun is answered 'error: deadline exceeded' (default: none)." };
var serilog = new Option<bool>("--serilog") { Description = "Log through Serilog (Enrich.FromMessageContext, Akka.Logger.Serilog) instead of the console logger." };
var logLevel = new Option<LogLevel?>("--log-level") { Description = "The least level of a log line (Logging:LogLevel:Default; default Information)." };
var hopLogLevel = new Option<LogLevel?>("--hop-log-level") { Description = "The least level for the hop lines and Akka's own (Warning turns hop logging off; default: --log-level)." };
var load = new Option<int[]>("--load")
{
    Description = "Drive a host already serving on 127.0.0.1:--port: CONNECTIONS connections, each pipelining LINES lines; prints requests/s, latency, right/wrong replies and the host's working set.",
    Arity = new ArgumentArity(2, 2),
    AllowMultipleArgumentsPerToken = true,
    HelpName = "CONNECTIONS LINES",
};
var rounds = new Option<int?>("--rounds") { Description = "How many rounds --load runs, one after the other (default 1)." };

var root = new RootCommand("ActorContext console host: a line protocol over TCP whose requests cross an actor pipeline, each hop reading the request ID from its context.")
{
    serve, port, requests, minDelay, maxDelay, deadline, serilog, logLevel, hopLogLevel, load, rounds,
};

root.SetAction((parsed, cancellationToken) =>
{
    if (parsed.GetResult(load) is not null && parsed.GetValue(load) is { } shape)
    {
        return RunLoadAsync(shape, parsed.GetValue(port) ?? 8081, parsed.GetValue(rounds) ?? 1, parsed.GetValue(serve), cancellationToken);
    }

    var overrides = new Dictionary<string, string?>();
    Override(nameof(SampleOptions.Serve), serve);
    Override(nameof(SampleOptions.Port), port);
    Override(nameof(SampleOptions.Requests), requests);
    Override(nameof(SampleOptions.MinDelayMs), minDelay);
    Override(nameof(SampleOptions.MaxDelayMs), maxDelay);
    Override(nameof(SampleOptions.DeadlineMs), deadline);
    Override(SampleHost.SerilogKey, serilog);
    if (parsed.GetValue(logLevel) is { } level)
    {
        overrides["Logging:LogLevel:Default"] = level.ToString();
    }

    // The hop lines: the edge's, and the actors' (Akka's ILoggingAdapter writes under the "Akka.*" categories).
    if (parsed.GetValue(hopLogLevel) is { } hopLevel)
    {
        overrides["Logging:LogLevel:Akka"] = hopLevel.ToString();
        overrides[$"Logging:LogLevel:{typeof(RequestEdge).FullName}"] = hopLevel.ToString();
    }

    return SampleHost.RunAsync(overrides, cancellationToken);

    void Override<T>(string key, Option<T> option)
    {
        if (parsed.GetResult(option) is not null)
        {
            overrides[$"{SampleOptions.Section}:{key}"] = Convert.ToString(parsed.GetValue(option), System.Globalization.CultureInfo.InvariantCulture);
        }
    }
});

// The host's console lifetime handles Ctrl+C and SIGTERM (graceful shutdown), not System.CommandLine.
return await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null });

static async Task<int> RunLoadAsync(int[] shape, int port, int rounds, bool serve, CancellationToken cancellationToken)
{
    var problem = serve ? "--load drives a host that serves in another process; leave out --serve."
        : shape[0] < 1 || shape[1] < 1 ? "--load needs CONNECTIONS and LINES of at least 1, e.g. --load 200 100."
        : port is < 1 or > 65535 ? "--port must be 1-65535 for --load (the port the host serves on)."
        : rounds < 1 ? "--rounds must be at least 1."
        : null;
    if (problem is not null)
    {
        await Console.Error.WriteLineAsync(problem);
        return 2;
    }

    return await LoadTest.RunAsync(new IPEndPoint(IPAddress.Loopback, port), shape[0], shape[1], rounds, Console.Out, cancellationToken);
}
