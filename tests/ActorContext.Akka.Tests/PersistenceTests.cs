using Akka.Actor;
using Akka.Persistence;
using Xunit.Abstractions;

namespace ActorContext.Akka.Tests;

/// <summary>
/// Persist, PersistAsync and DeferAsync callbacks run when the journal replies, not when the command is handled: inside
/// each callback the context must be the command's that registered it, never the journal reply's.
/// </summary>
public class PersistenceTests(ITestOutputHelper output) : PropagationTestKit(output, Hocon)
{
    private const string Hocon = """
        akka.persistence.journal.plugin = "akka.persistence.journal.inmem"
        akka.persistence.snapshot-store.plugin = "akka.persistence.snapshot-store.inmem"
        """;

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Flags]
    private enum Calls
    {
        Persist = 1,
        PersistAsync = 2,
        Defer = 4,
        PersistAllWithCompletion = 8,
        All = Persist | PersistAsync | Defer,
    }

    /// <summary>A command; <see cref="SentUnder"/> names the request ID it was sent with, for the check only.</summary>
    private sealed record Cmd(string SentUnder);

    private sealed record Evt(string SentUnder, string Kind);

    /// <summary>What a callback saw: which command registered it, which kind it was and the ID in its context.</summary>
    private sealed record Seen(string Kind, string SentUnder, string Id);

    private sealed class Store : ReceivePersistentActor
    {
        public Store(string persistenceId, Calls calls, IActorRef probe)
        {
            PersistenceId = persistenceId;
            Recover<Evt>(_ => { });
            Command<Cmd>(c =>
            {
                probe.Tell(new Seen("command", c.SentUnder, SeenId()));
                if (calls.HasFlag(Calls.Persist))
                {
                    Persist(new Evt(c.SentUnder, "persist"), e => probe.Tell(new Seen("persist", e.SentUnder, SeenId())));
                }

                if (calls.HasFlag(Calls.PersistAsync))
                {
                    PersistAsync(new Evt(c.SentUnder, "persist-async"), e => probe.Tell(new Seen("persist-async", e.SentUnder, SeenId())));
                }

                if (calls.HasFlag(Calls.Defer))
                {
                    // DeferAsync is Akka.Persistence's public defer (its stashing Defer is internal; see PersistAll below).
                    DeferAsync(new Evt(c.SentUnder, "defer"), e => probe.Tell(new Seen("defer", e.SentUnder, SeenId())));
                }

                if (calls.HasFlag(Calls.PersistAllWithCompletion))
                {
                    var sentUnder = c.SentUnder;
                    PersistAll(
                        new[] { new Evt(sentUnder, "persist-all"), new Evt(sentUnder, "persist-all") },
                        e => probe.Tell(new Seen("persist-all", e.SentUnder, SeenId())),
                        () => probe.Tell(new Seen("persist-all-done", sentUnder, SeenId())));
                }
            });
        }

        public override string PersistenceId { get; }
    }

    private IActorRef NewStore(Calls calls) =>
        Sys.ActorOf(Props.Create(() => new Store(Guid.NewGuid().ToString("N"), calls, TestActor)));

    private static string[] Ids(string prefix, int count) =>
        Enumerable.Range(1, count).Select(i => i % 3 == 0 ? "none" : $"{prefix}-{i}").ToArray();

    /// <summary>Sends one command per ID back to back (IDs of "none" are sent with no context).</summary>
    private static void SendAll(IActorRef store, IEnumerable<string> ids)
    {
        foreach (var id in ids)
        {
            if (id == "none")
            {
                store.Tell(new Cmd("none"));
            }
            else
            {
                WithId(id, () => store.Tell(new Cmd(id)));
            }
        }
    }

    private List<Seen> Collect(int count) => Enumerable.Range(0, count).Select(_ => ExpectMsg<Seen>(Timeout)).ToList();

    private static void AssertEveryCallbackSawItsCommand(IReadOnlyCollection<Seen> seen, string[] ids, params string[] kinds)
    {
        var wrong = seen.Where(s => s.Id != s.SentUnder).Select(s => $"{s.Kind} of {s.SentUnder} saw {s.Id}").ToList();
        Assert.True(wrong.Count == 0, "callbacks saw another context: " + string.Join("; ", wrong));
        foreach (var kind in kinds.Prepend("command"))
        {
            Assert.Equal(ids.OrderBy(x => x), seen.Where(s => s.Kind == kind).Select(s => s.SentUnder).OrderBy(x => x));
        }
    }

    [Fact]
    public void Persist_SeveralCommandsInQuickSuccession_EachCallbackSeesItsCommandsContext()
    {
        var store = NewStore(Calls.Persist);
        var ids = Ids("p", 8);

        SendAll(store, ids);

        AssertEveryCallbackSawItsCommand(Collect(ids.Length * 2), ids, "persist");
    }

    [Fact]
    public void PersistAsync_SeveralCommandsInQuickSuccession_EachCallbackSeesItsCommandsContext()
    {
        var store = NewStore(Calls.PersistAsync);
        var ids = Ids("pa", 8);

        SendAll(store, ids);

        AssertEveryCallbackSawItsCommand(Collect(ids.Length * 2), ids, "persist-async");
    }

    [Fact]
    public void DeferAsync_AfterPersistAsyncInSeveralCommands_EachCallbackSeesItsCommandsContext()
    {
        var store = NewStore(Calls.PersistAsync | Calls.Defer);
        var ids = Ids("d", 8);

        SendAll(store, ids);

        AssertEveryCallbackSawItsCommand(Collect(ids.Length * 3), ids, "persist-async", "defer");
    }

    [Fact]
    public void PersistPersistAsyncAndDeferAsync_SeveralCommandsInQuickSuccession_EachCallbackSeesItsCommandsContext()
    {
        var store = NewStore(Calls.All);
        var ids = Ids("all", 9);

        SendAll(store, ids);

        AssertEveryCallbackSawItsCommand(Collect(ids.Length * 4), ids, "persist", "persist-async", "defer");
    }

    [Fact]
    public void PersistAllWithCompletion_SeveralCommandsInQuickSuccession_EventAndCompletionCallbacksSeeTheCommandsContext()
    {
        var store = NewStore(Calls.PersistAllWithCompletion);
        var ids = Ids("pall", 6);

        SendAll(store, ids);

        var seen = Collect(ids.Length * 4);
        AssertEveryCallbackSawItsCommand(seen.Where(s => s.Kind != "persist-all").ToList(), ids, "persist-all-done");
        Assert.Equal(ids.Length * 2, seen.Count(s => s.Kind == "persist-all"));
        Assert.All(seen.Where(s => s.Kind == "persist-all"), s => Assert.Equal(s.SentUnder, s.Id));
    }

    [Fact]
    public void DeferAsync_WithNothingPending_RunsAtOnceWithTheCommandsContext()
    {
        var store = NewStore(Calls.Defer);
        var ids = Ids("dn", 5);

        SendAll(store, ids);

        AssertEveryCallbackSawItsCommand(Collect(ids.Length * 2), ids, "defer");
    }
}
