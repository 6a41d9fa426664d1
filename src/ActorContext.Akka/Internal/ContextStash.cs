using Akka.Actor;

namespace ActorContext.Akka.Internal;

/// <summary>
/// An actor's stash, wrapped so a stashed message keeps the context it was handled under and gets it back when it is
/// unstashed.
/// </summary>
/// <remarks>
/// Akka's stash stores the cell's <c>CurrentMessage</c> with its <c>Sender</c>. The cell already hands an actor that
/// stashes each message with a context in a <see cref="ContextEnvelope"/> there (so stashes the actor makes itself keep
/// contexts too); this wrapper also covers a timer's message, which Akka's timer handling puts in
/// <c>CurrentMessage</c> bare after the cell has run. Filters of
/// <see cref="UnstashAll(Func{Envelope, bool})"/> see the user's message; <see cref="ClearStash"/> returns the envelopes
/// as stored, so a message told again from one keeps its context.
/// </remarks>
internal sealed class ContextStash(IStash inner, ContextActorCell cell) : IStash
{
    public int Count => inner.Count;

    public bool IsEmpty => inner.IsEmpty;

    public bool NonEmpty => inner.NonEmpty;

    public bool IsFull => inner.IsFull;

    public int Capacity => inner.Capacity;

    public void Stash()
    {
        var bare = cell.WrapCurrentMessageForStash();
        try
        {
            inner.Stash();
        }
        finally
        {
            cell.UnwrapCurrentMessageAfterStash(bare);
        }
    }

    public void Unstash() => inner.Unstash();

    public void UnstashAll() => inner.UnstashAll();

    public void UnstashAll(Func<Envelope, bool> predicate)
    {
        ArgumentNullException.ThrowIfNull(predicate);
        inner.UnstashAll(envelope => predicate(MessageWithContext.Bare(envelope)));
    }

    public IEnumerable<Envelope> ClearStash() => inner.ClearStash();

    public void Prepend(IEnumerable<Envelope> envelopes) => inner.Prepend(envelopes);
}
