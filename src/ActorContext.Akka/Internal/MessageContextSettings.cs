using System.Runtime.CompilerServices;
using Akka.Actor;
using Akka.Configuration;

namespace ActorContext.Akka.Internal;

/// <summary>The system-wide settings under <c>actor-context</c>, read once per actor system.</summary>
internal sealed class MessageContextSettings
{
    internal const string Section = "actor-context";

    private static readonly ConditionalWeakTable<ActorSystem, MessageContextSettings> s_cache = new();

    private MessageContextSettings(Config config)
    {
        var section = config.GetConfig(Section);
        RestoreAfterReceive = section?.GetBoolean("restore-after-receive", false) ?? false;
        DropExpired = section?.GetBoolean("drop-expired", true) ?? true;
    }

    /// <summary>Whether messages of expired or cancelled flows are kept from user code.</summary>
    public bool DropExpired { get; }

    /// <summary>Whether a cell puts the previous context back after each message (see MessageContextOptions).</summary>
    public bool RestoreAfterReceive { get; }

    internal static MessageContextSettings For(ActorSystem system) =>
        s_cache.GetValue(system, static s => new MessageContextSettings(s.Settings.Config));
}
