namespace ActorContext.Serilog;

/// <summary>
/// Which context entries <see cref="global::Serilog.MessageContextLoggerConfigurationExtensions.FromMessageContext"/>
/// adds to log events.
/// </summary>
/// <remarks>
/// The same choices as <c>MessageContextLoggingOptions</c> of <c>AddMessageContext</c> for Microsoft.Extensions.Logging,
/// except that the library's own entries (a flow's deadline, the carried trace) are never added, whatever the sets say:
/// Serilog records <c>Activity.Current</c>'s trace and span ids on each event itself, and inside actors that Activity
/// carries the sender's trace.
/// </remarks>
public sealed class MessageContextEnricherOptions
{
    /// <summary>
    /// Names of the vars (and <c>RequestContext</c> keys) to add. Empty — the default — adds every entry that is not in
    /// <see cref="ExcludedNames"/>.
    /// </summary>
    public ISet<string> IncludedNames { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Names never added, e.g. tokens or personal data carried in the context. Wins over <see cref="IncludedNames"/>.</summary>
    public ISet<string> ExcludedNames { get; } = new HashSet<string>(StringComparer.Ordinal);
}
