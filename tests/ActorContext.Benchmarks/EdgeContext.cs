namespace ActorContext.Benchmarks;

/// <summary>The vars the "edge" (the code outside the actors, like an HTTP handler) sets before it sends.</summary>
internal static class EdgeContext
{
    internal static readonly ContextVar<string> RequestId = new("request-id");
    internal static readonly ContextVar<string> Tenant = new("tenant");
    internal static readonly ContextVar<string> User = new("user");

    /// <summary>A fourth var, used only by the ContextVar measurements (which want 4 entries).</summary>
    internal static readonly ContextVar<string> TraceParent = new("traceparent");

    /// <summary>Sets the three edge vars when <paramref name="withVars"/> is true; disposing resets them.</summary>
    internal static Scope Enter(bool withVars) =>
        withVars
            ? new Scope(RequestId.Set("req-0001"), Tenant.Set("tenant-a"), User.Set("user-42"))
            : default;

    internal readonly struct Scope(ContextToken<string>? requestId, ContextToken<string>? tenant, ContextToken<string>? user) : IDisposable
    {
        public void Dispose()
        {
            // Reverse order, as nested using blocks would.
            if (user is not null)
            {
                User.Reset(user);
            }

            if (tenant is not null)
            {
                Tenant.Reset(tenant);
            }

            if (requestId is not null)
            {
                RequestId.Reset(requestId);
            }
        }
    }
}
