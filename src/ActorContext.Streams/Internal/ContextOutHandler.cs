using Akka.Streams.Stage;

namespace ActorContext.Streams.Internal;

/// <summary>Runs a stage's output handler (demand, cancellation) under the materialization context: no element is being handled.</summary>
internal sealed class ContextOutHandler(ShellTracker shell, IOutHandler inner) : IOutHandler
{
    internal IOutHandler Inner => inner;

    public void OnPull()
    {
        ContextSnapshot.Restore(shell.Materialization);
        try
        {
            inner.OnPull();
        }
        finally
        {
            ContextSnapshot.Restore(shell.Materialization);
        }
    }

    public void OnDownstreamFinish(Exception cause)
    {
        ContextSnapshot.Restore(shell.Materialization);
        try
        {
            inner.OnDownstreamFinish(cause);
        }
        finally
        {
            ContextSnapshot.Restore(shell.Materialization);
        }
    }
}
