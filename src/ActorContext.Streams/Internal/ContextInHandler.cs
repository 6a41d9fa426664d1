using ActorContext.Infrastructure;
using Akka.Streams.Implementation.Fusing;
using Akka.Streams.Stage;

namespace ActorContext.Streams.Internal;

/// <summary>Runs a stage's input handler under the context of the element waiting on its connection.</summary>
internal sealed class ContextInHandler(ShellTracker shell, GraphInterpreter.Connection connection, IInHandler inner) : IInHandler
{
    internal IInHandler Inner => inner;

    public void OnPush()
    {
        var element = connection.Slot;
        var context = shell.Incoming(connection, element);
        var pushing = shell.PushingOutlets(connection);
        ContextSnapshots.Restore(context);
        var trace = ElementTrace.Enter(context);
        try
        {
            inner.OnPush();
        }
        finally
        {
            ElementTrace.Exit(trace);
            shell.Handled(connection, element, context, pushing);
            ContextSnapshots.Restore(shell.Materialization);
        }
    }

    public void OnUpstreamFinish()
    {
        ContextSnapshots.Restore(shell.Materialization);
        try
        {
            inner.OnUpstreamFinish();
        }
        finally
        {
            ContextSnapshots.Restore(shell.Materialization);
        }
    }

    public void OnUpstreamFailure(Exception e)
    {
        ContextSnapshots.Restore(shell.Materialization);
        try
        {
            inner.OnUpstreamFailure(e);
        }
        finally
        {
            ContextSnapshots.Restore(shell.Materialization);
        }
    }
}
