using ActorContext.Akka.Internal;
using Akka.Configuration;
using Xunit.Abstractions;

namespace ActorContext.Akka.Tests;

/// <summary>A TestKit whose actor system propagates contexts; vars shared by the scenario tests.</summary>
public abstract class PropagationTestKit : global::Akka.TestKit.Xunit2.TestKit
{
    public static readonly ContextVar<string> RequestId = new("request-id");
    public static readonly ContextVar<string> Tenant = new("tenant");

    protected PropagationTestKit(ITestOutputHelper output, string hocon = "", MessageContextOptions? options = null)
        : base(ConfigurationFactory.ParseString(hocon).WithMessageContext(options), output: output)
    {
    }

    /// <summary>The dispatcher that runs an actor's mailbox on the sender's thread.</summary>
    protected const string CallingThreadDispatcherId = "akka.test.calling-thread-dispatcher";

    /// <summary>The request ID visible to the code running now, or "none".</summary>
    public static string SeenId() => RequestId.Get("none");

    /// <summary>The request ID an envelope carries, or "none".</summary>
    private protected static string IdCarriedBy(ContextEnvelope envelope)
    {
        var id = "unset";
        ScheduledContext.RunIn(envelope.Context, () => id = SeenId());
        return id;
    }

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
    protected static void WithId(string requestId, Action action)
    {
        var context = new MessageContext();
        context.Run(() =>
        {
            RequestId.Set(requestId);
            action();
        });
    }
}
