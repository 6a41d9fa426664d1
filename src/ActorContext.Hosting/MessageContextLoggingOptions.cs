namespace ActorContext.Hosting;

/// <summary>Which context entries appear in log scopes (see <see cref="MessageContextLoggingExtensions"/>).</summary>
public sealed class MessageContextLoggingOptions
{
    /// <summary>
    /// Names of the vars (and <c>RequestContext</c> keys) to log. Empty — the default — logs every entry that is not
    /// in <see cref="ExcludedNames"/>.
    /// </summary>
    public ISet<string> IncludedNames { get; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary>Names never logged, e.g. tokens or personal data carried in the context. Wins over <see cref="IncludedNames"/>.</summary>
    public ISet<string> ExcludedNames { get; } = new HashSet<string>(StringComparer.Ordinal);

    internal bool Includes(string name) =>
        !ExcludedNames.Contains(name) && (IncludedNames.Count == 0 || IncludedNames.Contains(name));
}
