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
        ContextSnapshot.Restore(context);
        var trace = ElementTrace.Enter(context);
        try
        {
            inner.OnPush();
        }
        finally
        {
            ElementTrace.Exit(trace);
            shell.Handled(connection, element, context, pushing);
            ContextSnapshot.Restore(shell.Materialization);
        }
    }

    public void OnUpstreamFinish()
    {
        ContextSnapshot.Restore(shell.Materialization);
        try
        {
            inner.OnUpstreamFinish();
        }
        finally
        {
            ContextSnapshot.Restore(shell.Materialization);
        }
    }

    public void OnUpstreamFailure(Exception e)
    {
        ContextSnapshot.Restore(shell.Materialization);
        try
        {
            inner.OnUpstreamFailure(e);
        }
        finally
        {
            ContextSnapshot.Restore(shell.Materialization);
        }
    }
}
