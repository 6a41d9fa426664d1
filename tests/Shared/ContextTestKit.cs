using Akka.Configuration;
using ActorContext.Akka;
using Xunit.Abstractions;

namespace ActorContext.Testing;

/// <summary>
/// A TestKit whose actor system propagates contexts, and the vars the scenario tests share (linked into the xunit 2
/// test projects as source; public API only).
/// </summary>
public abstract class ContextTestKit : global::Akka.TestKit.Xunit2.TestKit
{
    /// <summary>The request ID the scenarios carry.</summary>
    public static readonly ContextVar<string> RequestId = new("request-id");

    /// <summary>A second var, to see that a context travels whole.</summary>
    public static readonly ContextVar<string> Tenant = new("tenant");

    /// <summary>The dispatcher that runs an actor's mailbox on the sender's thread.</summary>
    protected const string CallingThreadDispatcherId = "akka.test.calling-thread-dispatcher";

    /// <summary>A TestKit over <paramref name="hocon"/> with propagation on (<paramref name="options"/> as given).</summary>
    protected ContextTestKit(ITestOutputHelper output, string hocon = "", MessageContextOptions? options = null)
        : base(ConfigurationFactory.ParseString(hocon).WithMessageContext(options), output: output)
    {
    }

    /// <summary>The request ID visible to the code running now, or "none".</summary>
    public static string SeenId() => RequestId.Get("none");

    /// <summary>What the running code sees: "request-id/tenant", "none" for a missing value.</summary>
    protected static string Values() => $"{SeenId()}/{Tenant.Get("none")}";

    /// <summary>Runs <paramref name="action"/> in a fresh context holding the given values (null = not set).</summary>
    protected static void InContext(string? id, string? tenant, Action action) =>
        new MessageContext().Run(() =>
        {
            if (id is not null)
            {
                RequestId.Set(id);
            }

            if (tenant is not null)
            {
                Tenant.Set(tenant);
            }

            action();
        });

    /// <summary>Runs <paramref name="action"/> in a fresh context holding <paramref name="requestId"/>.</summary>
    protected static void WithId(string requestId, Action action) => InContext(requestId, null, action);
}
