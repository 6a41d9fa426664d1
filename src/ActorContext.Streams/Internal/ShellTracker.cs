using ActorContext.Infrastructure;
using Akka.Streams.Implementation.Fusing;
using Akka.Streams.Stage;

namespace ActorContext.Streams.Internal;

/// <summary>
/// One fused graph (a shell) of a stream: keeps, for each connection between two stages, the context of the element on
/// it, and wraps every handler so it runs under that context (input) or the materialization context (output).
/// </summary>
/// <remarks>
/// <para>
/// Akka.Streams runs a stage's handlers one at a time on the interpreter actor's thread, and a push is handled
/// downstream only after the pushing handler returned: the context of an element is decided when it is pushed (the
/// handler that pushed it, or the queue of the stage that kept it, see <see cref="StageTracker"/>) and made current
/// when the next stage's input handler runs. Between handlers the materialization context is current, so code that
/// runs unwrapped (a handler a stage installed while running, Akka's own bookkeeping) never sees an element's context.
/// </para>
/// <para>
/// Stages may swap their handlers while running (<c>Emit</c> does); every message to the interpreter re-wraps what
/// was swapped. A stage that keeps results in arrival order gives up carrying (materialization context) when a handler
/// downstream of it ran unwrapped, because it could then not tell which result left.
/// </para>
/// </remarks>
internal sealed class ShellTracker
{
    private readonly GraphInterpreterShell _shell;
    private readonly GraphInterpreter.Connection[] _connections;
    private readonly StageTracker?[] _upstream;
    private readonly ContextSnapshot?[] _tags;
    private readonly object?[] _tagged;
    private readonly Dictionary<GraphStageLogic, StageTracker> _stages = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<GraphStageLogic, GraphInterpreter.Connection[]> _outlets = new(ReferenceEqualityComparer.Instance);

    // Per connection: the stage that receives its elements and that stage's outgoing connections (none for a boundary).
    private readonly StageTracker?[] _downstream;
    private readonly GraphInterpreter.Connection[]?[] _downstreamOutlets;
    private bool _shortCircuitHooked;
    private bool _running;

    internal ShellTracker(GraphInterpreterShell shell, GraphInterpreter.Connection[] connections, ContextSnapshot? materialization)
    {
        _shell = shell;
        _connections = connections;
        Materialization = materialization;
        _upstream = new StageTracker?[connections.Length];
        _tags = new ContextSnapshot?[connections.Length];
        _tagged = new object?[connections.Length];
        var inputs = AkkaInternals.InputCount(shell);
        var outlets = new Dictionary<GraphStageLogic, List<GraphInterpreter.Connection>>(ReferenceEqualityComparer.Instance);
        for (var i = 0; i < connections.Length; i++)
        {
            var connection = connections[i];
            if (connection.OutOwner is { } owner and not GraphInterpreter.UpstreamBoundaryStageLogic)
            {
                _upstream[i] = StageFor(owner);
                if (!outlets.TryGetValue(owner, out var list))
                {
                    outlets[owner] = list = [];
                }

                list.Add(connection);
            }
            else if (i < inputs)
            {
                _upstream[i] = StageTracker.ForInputBoundary();
            }
        }

        foreach (var (logic, list) in outlets)
        {
            _outlets[logic] = [.. list];
        }

        _downstream = new StageTracker?[connections.Length];
        _downstreamOutlets = new GraphInterpreter.Connection[]?[connections.Length];
        for (var i = 0; i < connections.Length; i++)
        {
            if (connections[i].InOwner is { } owner and not GraphInterpreter.DownstreamBoundaryStageLogic)
            {
                _downstream[i] = StageFor(owner);
                _downstreamOutlets[i] = _outlets.TryGetValue(owner, out var own) ? own : [];
            }
        }

        Wrap();
    }

    /// <summary>The context the stream was materialized in: current whenever no element is being handled.</summary>
    internal ContextSnapshot? Materialization { get; }

    internal GraphInterpreterShell Shell => _shell;

    private StageTracker StageFor(GraphStageLogic logic)
    {
        if (!_stages.TryGetValue(logic, out var stage))
        {
            _stages[logic] = stage = StageTracker.For(logic);
        }

        return stage;
    }

    /// <summary>Wraps every handler not wrapped yet (new boundaries, handlers a stage swapped in), and the short-circuit queue once the shell runs.</summary>
    internal void Wrap()
    {
        foreach (var connection in _connections)
        {
            var inHandler = connection.InHandler;
            if (inHandler is not null and not ContextInHandler)
            {
                if (_running && _upstream[connection.Id] is { Kind: StageKind.Ordered } ordered)
                {
                    // Results left through a handler we did not see: the head of the queue can no longer be trusted.
                    ordered.GiveUp();
                }

                connection.InHandler = new ContextInHandler(this, connection, inHandler);
            }

            var outHandler = connection.OutHandler;
            if (outHandler is not null and not ContextOutHandler)
            {
                connection.OutHandler = new ContextOutHandler(this, connection, _upstream[connection.Id], outHandler);
            }
        }

        // Once the shell has run, a handler found unwrapped was swapped in by its stage.
        _running = _shell.IsInitialized;
        if (!_shortCircuitHooked && _shell.IsInitialized)
        {
            _shortCircuitHooked = true;
            HookShortCircuit();
        }
    }

    /// <summary>
    /// Async callbacks a stage invokes from the interpreter's own thread skip the mailbox: they are intercepted where
    /// the shell queues them, under the context of the code that invoked them (a separate method, so the closure is
    /// only made here).
    /// </summary>
    private void HookShortCircuit()
    {
        if (AkkaInternals.ShortCircuit(_shell) is { } enqueue)
        {
            AkkaInternals.SetShortCircuit(_shell, input =>
                enqueue(input is ActorGraphInterpreter.AsyncInput async && Intercept(async, ContextSnapshots.Current) is { } wrapped ? wrapped : input));
        }
    }

    /// <summary>The context of <paramref name="element"/>, just pushed on <paramref name="connection"/>.</summary>
    internal ContextSnapshot? Incoming(GraphInterpreter.Connection connection, object element)
    {
        var id = connection.Id;
        var upstream = _upstream[id];
        if (upstream is null)
        {
            return Materialization;
        }

        if (upstream.Kind == StageKind.PassThrough)
        {
            if (ReferenceEquals(_tagged[id], element))
            {
                var context = _tags[id];
                _tags[id] = null;
                _tagged[id] = null;
                return context;
            }

            return Materialization;
        }

        return upstream.Left(element, Materialization);
    }

    /// <summary>Which outgoing connections of the stage receiving on <paramref name="connection"/> have a push waiting, as bits.</summary>
    internal int PushingOutlets(GraphInterpreter.Connection connection)
    {
        var outlets = _downstreamOutlets[connection.Id];
        if (outlets is null)
        {
            return 0;
        }

        var bits = 0;
        for (var i = 0; i < outlets.Length && i < 32; i++)
        {
            if (StageTracker.IsPushing(outlets[i]))
            {
                bits |= 1 << i;
            }
        }

        return bits;
    }

    /// <summary>
    /// After the input handler of <paramref name="connection"/> handled <paramref name="element"/> under
    /// <paramref name="context"/>; <paramref name="pushingBefore"/> is what <see cref="PushingOutlets"/> said before it ran.
    /// </summary>
    internal void Handled(GraphInterpreter.Connection connection, object element, ContextSnapshot? context, int pushingBefore)
    {
        var stage = _downstream[connection.Id];
        if (stage is null)
        {
            return;
        }

        switch (stage.Kind)
        {
            case StageKind.PassThrough:
                // What it pushed while handling the element was made from it: it goes on under what the handler ended with.
                var outlets = _downstreamOutlets[connection.Id]!;
                for (var i = 0; i < outlets.Length && i < 32; i++)
                {
                    if (IsNewPush(outlets[i], i, pushingBefore))
                    {
                        _tags[outlets[i].Id] = ContextSnapshots.Current;
                        _tagged[outlets[i].Id] = outlets[i].Slot;
                    }
                }

                break;

            case StageKind.Queue when stage.FedByCallbacks:
                // SelectAsyncUnordered handles a task that completed at once right here: what it pushed now is that result.
                var results = _downstreamOutlets[connection.Id]!;
                for (var i = 0; i < results.Length && i < 32; i++)
                {
                    if (IsNewPush(results[i], i, pushingBefore))
                    {
                        stage.Arrived(new StageTracker.PushedAtOnce(results[i].Slot), context);
                    }
                }

                break;

            case StageKind.Queue:
            case StageKind.Ordered:
            case StageKind.Group:
            case StageKind.Runs:
                stage.Arrived(element, context);
                break;

            case StageKind.Batch:
                stage.Arrived(element, context);
                if (_downstreamOutlets[connection.Id] is [var outlet, ..] && IsNewPush(outlet, 0, pushingBefore))
                {
                    stage.Pushed(stage.KeepsNewest!(), Materialization);
                }

                break;

            case StageKind.AckSender:
                // It added the element to its buffer and, if the actor had acknowledged, sent the oldest one.
                stage.Arrived(element, context);
                stage.SyncHeld();
                break;
        }
    }

    private static bool IsNewPush(GraphInterpreter.Connection outlet, int index, int pushingBefore) =>
        (pushingBefore & (1 << index)) == 0 && StageTracker.IsPushing(outlet);

    /// <summary>An element that arrived from the island before (an async boundary) under <paramref name="context"/>.</summary>
    internal void BoundaryArrived(int input, object element, ContextSnapshot? context)
    {
        if ((uint)input < (uint)_upstream.Length)
        {
            _upstream[input]?.Arrived(element, context);
        }
    }

    /// <summary>
    /// An async callback (an offer, a completed task, a timer, a message to a stage actor) invoked under
    /// <paramref name="context"/>: remembered for stages that push what it brings, and handled under that context.
    /// </summary>
    /// <returns>The input with its handler wrapped, or null when it is to be handled as it is.</returns>
    internal ActorGraphInterpreter.AsyncInput? Intercept(ActorGraphInterpreter.AsyncInput input, ContextSnapshot? context)
    {
        if (input.Logic is { } logic)
        {
            var stage = StageFor(logic);
            if (stage.Kind == StageKind.Queue && stage.FedByCallbacks && AkkaInternals.CallbackElementMatcher(input.Event) is { } matcher)
            {
                // One matcher serves both what callbacks brought and results pushed at once (see Handled).
                stage.MatchCallbacks(matcher);
                stage.Arrived(input.Event, stage.ContextOfCompleter && ContextSnapshots.IsNullOrEmpty(context) ? Materialization : context);
            }
        }

        // The handler runs under the materialization context: it may handle any element (a timer, a stage actor, a
        // third-party stage). Source.Queue's and SelectAsyncUnordered's handlers run no user code and what they push is
        // matched above, so they need nothing more. Only Sink.ActorRefWithAck's acknowledgement handler sends an
        // element itself — the oldest it keeps — and runs under that element's context.
        if (input.Logic is not { } owner || StageFor(owner) is not { Kind: StageKind.AckSender } sender)
        {
            return null;
        }

        sender.SyncHeld();
        var head = sender.PeekHead(out var any);
        if (!any || ContextSnapshots.IsNullOrEmpty(head) || ReferenceEquals(head, Materialization))
        {
            return null;
        }

        return WithContext(input, head);
    }

    /// <summary><paramref name="input"/> with its handler run under <paramref name="context"/> (a separate method, so the closure is only made here).</summary>
    private ActorGraphInterpreter.AsyncInput WithContext(ActorGraphInterpreter.AsyncInput input, ContextSnapshot context)
    {
        var handler = input.Handler;
        var materialization = Materialization;
        return new ActorGraphInterpreter.AsyncInput(input.Shell, input.Logic, input.Event, input.Promise, evt =>
        {
            ContextSnapshots.Restore(context);
            try
            {
                handler(evt);
            }
            finally
            {
                ContextSnapshots.Restore(materialization);
            }
        });
    }
}
