namespace ActorContext.Serilog.Tests;

/// <summary>The vars the tests set; declared once, as a user would.</summary>
internal static class Vars
{
    public static readonly ContextVar<string> RequestId = new("request-id");
    public static readonly ContextVar<string> Tenant = new("tenant");
    public static readonly ContextVar<string> AuthToken = new("auth-token");

    /// <summary>Runs <paramref name="body"/> in a fresh context holding <paramref name="requestId"/> and tenant "acme".</summary>
    public static T InRequest<T>(string requestId, Func<T> body) =>
        new MessageContext().Run(() =>
        {
            RequestId.Set(requestId);
            Tenant.Set("acme");
            return body();
        });
}
