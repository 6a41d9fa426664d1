using System.CommandLine;
using ActorContext.ConsoleHost;

// The command line is parsed by System.CommandLine; what it sets overrides appsettings.json (section ConsoleHost)
// inside the Generic Host's configuration, so every setting has one place to come from.
var serve = new Option<bool>("--serve") { Description = "Serve on 127.0.0.1 until Ctrl+C / SIGTERM instead of running the self-test." };
var port = new Option<int?>("--port") { Description = "The port for --serve (default 8081)." };
var requests = new Option<int?>("--requests") { Description = "How many concurrent requests the self-test fires (default 20)." };
var minDelay = new Option<int?>("--min-delay-ms") { Description = "Shortest random delay of an asynchronous hop (default 5)." };
var maxDelay = new Option<int?>("--max-delay-ms") { Description = "Longest random delay of an asynchronous hop (default 40)." };
var deadline = new Option<int?>("--deadline") { Description = "Each request's budget in milliseconds; an overrun is answered 'error: deadline exceeded' (default: none)." };
var serilog = new Option<bool>("--serilog") { Description = "Log through Serilog (Enrich.FromMessageContext, Akka.Logger.Serilog) instead of the console logger." };

var root = new RootCommand("ActorContext console host: a line protocol over TCP whose requests cross an actor pipeline, each hop reading the request ID from its context.")
{
    serve, port, requests, minDelay, maxDelay, deadline, serilog,
};

root.SetAction((parsed, cancellationToken) =>
{
    var overrides = new Dictionary<string, string?>();
    Override(nameof(SampleOptions.Serve), serve);
    Override(nameof(SampleOptions.Port), port);
    Override(nameof(SampleOptions.Requests), requests);
    Override(nameof(SampleOptions.MinDelayMs), minDelay);
    Override(nameof(SampleOptions.MaxDelayMs), maxDelay);
    Override(nameof(SampleOptions.DeadlineMs), deadline);
    Override(SampleHost.SerilogKey, serilog);
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
