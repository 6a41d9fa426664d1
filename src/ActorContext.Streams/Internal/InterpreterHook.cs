using ActorContext.Akka.Infrastructure;
using ActorContext.Infrastructure;
using Akka.Streams.Implementation.Fusing;

namespace ActorContext.Streams.Internal;

/// <summary>
/// The receive side of a stream's interpreter actor: its messages run under the materialization context, and each
/// element under its own (see <see cref="ShellTracker"/>).
/// </summary>
/// <remarks>
/// A message to the interpreter brings at most one element from outside: an async callback invoked by some code (an
/// offer, a message told to a stage actor, a task that completed) or an element from the async island before. Its
/// context is the element's; everything else the actor then does runs under the materialization context, or under
/// the context of the element a stage is handling.
/// </remarks>
internal sealed class InterpreterHook : StreamReceiveHook
{
    private readonly ContextSnapshot? _materialization;
    private ShellTracker? _last;
    private Dictionary<GraphInterpreterShell, ShellTracker>? _others;

    internal InterpreterHook(ActorGraphInterpreter actor, ContextSnapshot? materialization)
    {
        _materialization = materialization;

        // Wrapped before the actor starts the shell, so the stages' first elements are already carried.
        if (AkkaInternals.InitialShell(actor) is { } shell)
        {
            _last = Track(shell);
        }
    }

    public override void Receive(IHookedCell cell, object message, ContextSnapshot? context)
    {
        ContextSnapshots.Restore(_materialization);
        if (message is ActorGraphInterpreter.IBoundaryEvent boundary && TrackerFor(boundary.Shell) is { } tracker)
        {
            if (message is ActorGraphInterpreter.AsyncInput input && tracker.Intercept(input, context) is { } wrapped)
            {
                message = wrapped;
            }
            else if (message is ActorGraphInterpreter.OnNext next)
            {
                tracker.BoundaryArrived(next.Id, next.Event, context);
            }
        }

        try
        {
            cell.ReceiveUnhooked(message);
        }
        finally
        {
            ContextSnapshots.Restore(_materialization);
        }
    }

    private ShellTracker? TrackerFor(GraphInterpreterShell shell)
    {
        ShellTracker? tracker;
        if (_last is not null && ReferenceEquals(_last.Shell, shell))
        {
            tracker = _last;
        }
        else
        {
            _others ??= new Dictionary<GraphInterpreterShell, ShellTracker>(ReferenceEqualityComparer.Instance);
            if (!_others.TryGetValue(shell, out tracker))
            {
                tracker = Track(shell);
                if (tracker is null)
                {
                    return null;
                }

                _others[shell] = tracker;
            }

            // Shells of sub-streams come and go: forget the finished ones.
            if (_others.Count > 16)
            {
                foreach (var done in _others.Where(pair => pair.Key.IsTerminated).Select(pair => pair.Key).ToList())
                {
                    _others.Remove(done);
                }
            }
        }

        tracker.Wrap();
        return tracker;
    }

    private ShellTracker? Track(GraphInterpreterShell shell) =>
        AkkaInternals.Connections(shell) is { } connections ? new ShellTracker(shell, connections, _materialization) : null;
}
