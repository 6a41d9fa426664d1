namespace ActorContext;

/// <summary>A deadline or cancellation scope started by <see cref="FlowDeadline"/>.</summary>
public sealed class FlowCancellation : IDisposable
{
    private readonly FlowScope _scope;
    private readonly ContextToken<FlowScope> _token;

    internal FlowCancellation(FlowScope scope, ContextToken<FlowScope> token)
    {
        _scope = scope;
        _token = token;
    }

    /// <summary>This scope's signal: fires at its deadline or when it or an enclosing scope is cancelled.</summary>
    public CancellationToken Token => _scope.Token;

    /// <summary>Cancels this scope and every scope started inside it (here or in messages already sent).</summary>
    public void Cancel() => _scope.Cancel();

    /// <summary>Restores the enclosing deadline for the code that follows; work already started keeps this scope.</summary>
    public void Dispose() => _token.Dispose();
}
