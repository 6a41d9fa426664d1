using Akka.Actor;

namespace ActorContext.ConsoleHost.Server;

/// <summary>
/// How many log events wait in the mailboxes of Akka's logger actors. Akka hands every line logged through an
/// <c>ILoggingAdapter</c> to those actors, which write it to Microsoft.Extensions.Logging; when lines come faster than
/// they are written (full hop logging under a load, on a busy machine) the backlog waits there, in memory.
/// </summary>
internal sealed class LogBacklog
{
    private ICell[] _loggers = [];

    /// <summary>Finds the system's logger actors (children of <c>/system</c> named <c>log…</c>).</summary>
    public void Attach(ActorSystem system)
    {
        if (system is ExtendedActorSystem { SystemGuardian: ActorRefWithCell guardian })
        {
            _loggers = guardian.Children
                .Where(child => child.Path.Name.StartsWith("log", StringComparison.Ordinal))
                .OfType<ActorRefWithCell>()
                .Select(child => child.Underlying)
                .ToArray();
        }
    }

    /// <summary>Log events not yet handed to Microsoft.Extensions.Logging.</summary>
    public int Count => _loggers.Sum(cell => cell.NumberOfMessages);

    /// <summary>The logger actors found (for the log).</summary>
    public int Loggers => _loggers.Length;
}
