using ActorContext.Infrastructure;
using Akka.Streams.Implementation.Fusing;
using Akka.Streams.Stage;

namespace ActorContext.Streams.Internal;

/// <summary>Runs a stage's output handler (demand, cancellation) under the materialization context: no element is being handled.</summary>
/// <remarks>
/// Two kinds of stage need more around a pull: a Batch that pushes in answer to it decides there what it pushed (see
/// <see cref="StageTracker.Pushed"/>) and seeds its next aggregate with the element it held back; Source.FromTask
/// registers its continuation there, with the flow of the execution context suppressed, so the continuation runs under
/// the context of the code that completes the task.
/// </remarks>
internal sealed class ContextOutHandler(ShellTracker shell, GraphInterpreter.Connection connection, StageTracker? stage, IOutHandler inner) : IOutHandler
{
    internal IOutHandler Inner => inner;

    public void OnPull()
    {
        ContextSnapshots.Restore(shell.Materialization);
        try
        {
            if (stage is null || (stage.Kind != StageKind.Batch && !stage.ContextOfCompleter))
            {
                inner.OnPull();
            }
            else if (stage.Kind == StageKind.Batch)
            {
                PullBatch(stage);
            }
            else
            {
                PullWithoutFlow();
            }
        }
        finally
        {
            ContextSnapshots.Restore(shell.Materialization);
        }
    }

    /// <summary>
    /// A pull may make a Batch push and begin its next aggregate with the element it held back: that seed runs under the
    /// held element's context.
    /// </summary>
    private void PullBatch(StageTracker batch)
    {
        var pushing = StageTracker.IsPushing(connection);
        var context = batch.HeldBack(shell.Materialization, out var held);
        ContextSnapshots.Restore(context);
        var trace = ElementTrace.Enter(context);
        try
        {
            inner.OnPull();
        }
        finally
        {
            ElementTrace.Exit(trace);
            if (!pushing && StageTracker.IsPushing(connection))
            {
                batch.Pushed(held, shell.Materialization);
            }
        }
    }

    private void PullWithoutFlow()
    {
        if (ExecutionContext.IsFlowSuppressed())
        {
            inner.OnPull();
            return;
        }

        using (ExecutionContext.SuppressFlow())
        {
            inner.OnPull();
        }
    }

    public void OnDownstreamFinish(Exception cause)
    {
        ContextSnapshots.Restore(shell.Materialization);
        try
        {
            inner.OnDownstreamFinish(cause);
        }
        finally
        {
            ContextSnapshots.Restore(shell.Materialization);
        }
    }
}
