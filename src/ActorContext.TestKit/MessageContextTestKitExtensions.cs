using ActorContext.Akka;
using Akka.Actor;
using Akka.TestKit;

namespace ActorContext.TestKit;

/// <summary>TestKit helpers: send with a given context, and create probes that record contexts.</summary>
public static class MessageContextTestKitExtensions
{
    /// <summary>Creates a <see cref="ContextProbe"/> in the TestKit's actor system.</summary>
    /// <param name="testKit">The test class (any TestKit built on Akka.TestKit).</param>
    /// <param name="name">An optional actor name.</param>
    public static ContextProbe CreateContextProbe(this TestKitBase testKit, string? name = null)
    {
        ArgumentNullException.ThrowIfNull(testKit);

        // A probe in a system without propagation would report every context as missing, blaming the code under test.
        if (!testKit.Sys.IsMessageContextEnabled())
        {
            throw new InvalidOperationException(
                $"A context probe records the context of each message it receives, but actor system [{testKit.Sys.Name}] was created " +
                "without context propagation, so no message carries a context in it. Create it from config.WithMessageContext() " +
                "(a TestKit: base(ConfigurationFactory.Empty.WithMessageContext())), or call .WithMessageContext() on the " +
                "Akka.Hosting builder (Akka.Hosting.TestKit: in ConfigureAkka).");
        }

        return new ContextProbe(testKit, name);
    }

    /// <summary>Tells <paramref name="target"/> the message as if sent from code running in <paramref name="context"/>.</summary>
    /// <param name="target">The actor (or selection) to tell.</param>
    /// <param name="message">The message.</param>
    /// <param name="context">The context the message carries; it is copied, so it may be in use elsewhere.</param>
    /// <param name="sender">The sender; the current actor (the TestActor in a TestKit) when omitted.</param>
    public static void TellWithContext(this ICanTell target, object message, MessageContext context, IActorRef? sender = null)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(context);
        var from = sender ?? ActorCell.GetCurrentSelfOrNoSender();
        context.Copy().Run(() => target.Tell(message, from));
    }

    /// <summary>Tells <paramref name="target"/> the message with a context holding only <paramref name="var"/> = <paramref name="value"/>.</summary>
    /// <typeparam name="TValue">The var's value type.</typeparam>
    /// <param name="target">The actor (or selection) to tell.</param>
    /// <param name="message">The message.</param>
    /// <param name="var">The var to set.</param>
    /// <param name="value">Its value.</param>
    /// <param name="sender">The sender; the current actor (the TestActor in a TestKit) when omitted.</param>
    public static void TellWithContext<TValue>(this ICanTell target, object message, ContextVar<TValue> var, TValue value, IActorRef? sender = null)
    {
        ArgumentNullException.ThrowIfNull(var);
        var context = new MessageContext();
        context.Run(() => var.Set(value));
        TellWithContext(target, message, context, sender);
    }
}
