using System.Collections.Immutable;
using System.Text;
using ActorContext.ConsoleHost.Pipeline;
using Akka.Actor;
using Microsoft.Extensions.Logging;

namespace ActorContext.ConsoleHost.Server;

/// <summary>
/// The edge: turns one received line into one reply line. Every request gets a new <see cref="MessageContext"/>
/// holding its request ID — the client's own (<c>id: &lt;value&gt;</c>) or a generated one — and crosses the actor
/// pipeline from there. The context also carries the connection's cancellation scope and, with <c>DeadlineMs</c>, the
/// request's own deadline (<see cref="FlowDeadline.WithTimeout"/>): a request whose flow ends first is answered
/// <c>error: deadline exceeded</c> (or <c>error: cancelled</c> when its client went away). The one line that is not a
/// request, <c>stats</c>, is answered at once with the host's figures (<see cref="HostStats"/>).
/// </summary>
internal sealed class RequestEdge(SampleOptions options, RequestJournal journal, LogBacklog logBacklog, ILogger<RequestEdge> logger)
{
    private const string IdPrefix = "id:";
    private static readonly UTF8Encoding s_strictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private IActorRef? _pipeline;
    private int _inFlight;
    private long _answered;

    /// <summary>Requests that crossed the edge and have no answer yet.</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Sets the first hop; called once the actor system is up.</summary>
    public void Attach(IActorRef pipeline) => _pipeline = pipeline;

    /// <summary>Answers one line (without its line break); never throws.</summary>
    /// <param name="line">The line's bytes; at most the line limit.</param>
    /// <param name="clientPort">The client's port, for the self-test's journal.</param>
    /// <param name="sequence">The line's position on its connection, for the journal.</param>
    /// <param name="flow">
    /// The context the request starts from: a copy of the connection's, which holds only its cancellation scope.
    /// </param>
    public async Task<string> HandleAsync(byte[] line, int clientPort, long sequence, MessageContext flow)
    {
        string text;
        try
        {
            text = s_strictUtf8.GetString(line);
        }
        catch (DecoderFallbackException)
        {
            return "error: invalid utf-8";
        }

        if (text == HostStats.Request)
        {
            return HostStats.OfThisProcess(Interlocked.Read(ref _answered), logBacklog.Count).ToString();
        }

        var id = RequestIds.New();
        if (text.StartsWith(IdPrefix, StringComparison.Ordinal))
        {
            var requested = text.AsSpan(IdPrefix.Length).Trim(' ');
            if (!RequestIds.IsValid(requested))
            {
                return $"error: invalid id (1-{RequestIds.MaxLength} characters of A-Z a-z 0-9 . _ -)";
            }

            id = requested.ToString();
        }

        Interlocked.Increment(ref _inFlight);
        try
        {
            // A new context per request, holding only the connection's cancellation scope: nothing from an earlier
            // request leaks in, and nothing set here leaks out.
            var (record, error) = await flow.Run(() => RunInContextAsync(id, text, line.Length));
            if (record is null)
            {
                return error!;
            }

            Interlocked.Increment(ref _answered);
            journal.Add(clientPort, sequence, record);
            if (!record.IsConsistent)
            {
                logger.LogWarning("request {EdgeId} came back as {ReplyId}: {Trace}", record.EdgeId, record.ReplyId, string.Join(", ", record.Trace));
            }

            return $"result: {record.ReplyId}";
        }
        catch (AskTimeoutException)
        {
            return "error: timeout";
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            logger.LogError(e, "request {EdgeId} failed", id);
            return "error: internal error";
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    /// <summary>Runs one request in its own context; returns its record, or the error line when its flow ended first.</summary>
    private async Task<(RequestRecord? Record, string? Error)> RunInContextAsync(string id, string payload, int bytes)
    {
        RequestIds.Current.Set(id);
        var pipeline = _pipeline ?? throw new InvalidOperationException("The pipeline is not attached yet.");

        // The connection's scope fires when the client goes away; the request's budget (if any) is nested inside it,
        // so its token fires at the deadline or with the connection. Every message sent from here carries both.
        var connection = FlowDeadline.Token;
        using var budget = options.DeadlineMs is { } ms ? FlowDeadline.WithTimeout(TimeSpan.FromMilliseconds(ms)) : null;
        var token = FlowDeadline.Token;

        logger.LogInformation("hop {Hop} accepted {Bytes} bytes", "edge", bytes);
        var edge = ImmutableList.Create(new HopSeen("edge", RequestIds.Seen()));

        try
        {
            // Raced against the flow's token: a request whose flow ended gets no reply (it went to dead letters),
            // so the edge answers for it, in order, as soon as the token fires.
            var done = await pipeline.Ask<Answer>(
                replyTo => new Work(payload, replyTo, edge),
                TimeSpan.FromMilliseconds(options.RequestTimeoutMs),
                token);
            return (new RequestRecord(id, done.RequestId, done.Trace), null);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            if (connection.IsCancellationRequested)
            {
                return (null, "error: cancelled");
            }

            logger.LogInformation("request overran its {Deadline} ms deadline", options.DeadlineMs);
            return (null, "error: deadline exceeded");
        }
    }
}
