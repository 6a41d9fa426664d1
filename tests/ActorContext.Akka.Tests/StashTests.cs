using Akka.Actor;
using Xunit.Abstractions;

namespace ActorContext.Akka.Tests;

/// <summary>Requirement 6: stashed messages get their own context back on Unstash / UnstashAll.</summary>
public class StashTests(ITestOutputHelper output) : PropagationTestKit(output)
{
    // ---------------------------------------------------------------- helpers

    // ---------------------------------------------------------------- messages

    /// <summary>Stashed while closed; reported while open. <paramref name="SetId"/>: the handler then sets a var.</summary>
    private sealed record Item(string Tag, bool SetId = false);

    /// <summary>Become "open" (stacked) and UnstashAll.</summary>
    private sealed record OpenAll(string Tag);

    /// <summary>Become "one-shot" (stacked) and Unstash one message; the one-shot handler unbecomes.</summary>
    private sealed record ReleaseOne(string Tag);

    /// <summary>Unbecome back to stashing.</summary>
    private sealed record Close(string Tag);

    private sealed record Saw(string Tag, string Values);

    // ---------------------------------------------------------------- actors

    private static void ReportItem(IActorRef probe, Item item)
    {
        probe.Tell(new Saw(item.Tag, Values()));
        if (item.SetId)
        {
            RequestId.Set("set-by-" + item.Tag);
            Tenant.Set("tenant-set-by-" + item.Tag);
        }
    }

    /// <summary>A ReceiveActor that stashes items while closed; the stash kind comes from the sealed subclass.</summary>
    private abstract class StashingReceiveActor : ReceiveActor
    {
        private readonly IActorRef _probe;

        protected StashingReceiveActor(IActorRef probe)
        {
            _probe = probe;
            Closed();
        }

        public IStash Stash { get; set; } = null!;

        private void Closed()
        {
            Receive<Item>(_ => Stash.Stash());
            Receive<OpenAll>(o =>
            {
                _probe.Tell(new Saw("open-" + o.Tag, Values()));
                BecomeStacked(Open);
                Stash.UnstashAll();
            });
            Receive<ReleaseOne>(r =>
            {
                _probe.Tell(new Saw("release-" + r.Tag, Values()));
                BecomeStacked(OneShot);
                Stash.Unstash();
            });
        }

        private void Open()
        {
            Receive<Item>(i => ReportItem(_probe, i));
            Receive<Close>(c =>
            {
                _probe.Tell(new Saw("close-" + c.Tag, Values()));
                UnbecomeStacked();
            });
        }

        private void OneShot() =>
            Receive<Item>(i =>
            {
                ReportItem(_probe, i);
                UnbecomeStacked();
            });
    }

    private sealed class ReceiveActorWithUnboundedStash(IActorRef probe) : StashingReceiveActor(probe), IWithUnboundedStash;

    private sealed class ReceiveActorWithStash(IActorRef probe) : StashingReceiveActor(probe), IWithStash;

    /// <summary>The same behaviour as an UntypedActor using Context.Become / BecomeStacked / UnbecomeStacked.</summary>
    private abstract class StashingUntypedActor(IActorRef probe) : UntypedActor
    {
        public IStash Stash { get; set; } = null!;

        protected override void OnReceive(object message) => Closed(message);

        private void Closed(object message)
        {
            switch (message)
            {
                case Item:
                    Stash.Stash();
                    break;
                case OpenAll o:
                    probe.Tell(new Saw("open-" + o.Tag, Values()));
                    Context.Become(Open); // replaces the behaviour; Close goes back with Become(Closed)
                    Stash.UnstashAll();
                    break;
                case ReleaseOne r:
                    probe.Tell(new Saw("release-" + r.Tag, Values()));
                    Context.BecomeStacked(OneShot);
                    Stash.Unstash();
                    break;
                default:
                    Unhandled(message);
                    break;
            }
        }

        private void Open(object message)
        {
            switch (message)
            {
                case Item i:
                    ReportItem(probe, i);
                    break;
                case Close c:
                    probe.Tell(new Saw("close-" + c.Tag, Values()));
                    Context.Become(Closed);
                    break;
                default:
                    Unhandled(message);
                    break;
            }
        }

        private void OneShot(object message)
        {
            if (message is Item i)
            {
                ReportItem(probe, i);
                Context.UnbecomeStacked();
            }
            else
            {
                Unhandled(message);
            }
        }
    }

    private sealed class UntypedActorWithStash(IActorRef probe) : StashingUntypedActor(probe), IWithStash;

    private sealed class UntypedActorWithUnboundedStash(IActorRef probe) : StashingUntypedActor(probe), IWithUnboundedStash;

    public static TheoryData<string> Kinds => new()
    {
        nameof(ReceiveActorWithUnboundedStash),
        nameof(ReceiveActorWithStash),
        nameof(UntypedActorWithStash),
        nameof(UntypedActorWithUnboundedStash),
    };

    private IActorRef Create(string kind)
    {
        var probe = TestActor;
        var props = kind switch
        {
            nameof(ReceiveActorWithUnboundedStash) => Props.Create(() => new ReceiveActorWithUnboundedStash(probe)),
            nameof(ReceiveActorWithStash) => Props.Create(() => new ReceiveActorWithStash(probe)),
            nameof(UntypedActorWithStash) => Props.Create(() => new UntypedActorWithStash(probe)),
            nameof(UntypedActorWithUnboundedStash) => Props.Create(() => new UntypedActorWithUnboundedStash(probe)),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
        return Sys.ActorOf(props);
    }

    private void ExpectSaws(params (string Tag, string Values)[] expected)
    {
        foreach (var (tag, values) in expected)
        {
            ExpectMsg(new Saw(tag, values));
        }
    }

    // ---------------------------------------------------------------- tests

    [Theory]
    [MemberData(nameof(Kinds))]
    public void UnstashAll_AfterBecome_EachMessageGetsItsOwnContextInOrder(string kind)
    {
        var actor = Create(kind);

        InContext("s-1", "t-1", () => actor.Tell(new Item("1", SetId: true)));
        actor.Tell(new Item("2"));
        InContext("s-3", null, () => actor.Tell(new Item("3")));
        InContext(null, "t-4", () => actor.Tell(new Item("4")));
        InContext("s-5", "t-5", () => actor.Tell(new Item("5")));
        ExpectNoMsg(TimeSpan.FromMilliseconds(50)); // all stashed
        InContext("opener", "t-open", () => actor.Tell(new OpenAll("a")));
        InContext("direct", null, () => actor.Tell(new Item("6")));
        actor.Tell(new Item("7"));

        ExpectSaws(
            ("open-a", "opener/t-open"),
            ("1", "s-1/t-1"),
            ("2", "none/none"), // item 1's handler set both vars
            ("3", "s-3/none"),
            ("4", "none/t-4"),
            ("5", "s-5/t-5"),
            ("6", "direct/none"), // told after the UnstashAll: handled after every unstashed message
            ("7", "none/none"));

        // Back to stashing (Unbecome / Become), then a second round.
        InContext("closer", null, () => actor.Tell(new Close("b")));
        InContext("s-8", "t-8", () => actor.Tell(new Item("8", SetId: true)));
        actor.Tell(new Item("9"));
        actor.Tell(new OpenAll("c"));

        ExpectSaws(
            ("close-b", "closer/none"),
            ("open-c", "none/none"),
            ("8", "s-8/t-8"),
            ("9", "none/none"));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void Unstash_OneAtATimeFromOtherContexts_EachMessageGetsItsOwnContextInOrder(string kind)
    {
        var actor = Create(kind);

        InContext("s-1", "t-1", () => actor.Tell(new Item("1", SetId: true)));
        actor.Tell(new Item("2"));
        InContext("s-3", null, () => actor.Tell(new Item("3")));
        InContext("s-4", "t-4", () => actor.Tell(new Item("4")));

        // Each release runs in its own context (or none) and unstashes exactly one message.
        InContext("rel-a", "t-rel", () => actor.Tell(new ReleaseOne("a")));
        actor.Tell(new ReleaseOne("b"));
        InContext("rel-c", null, () => actor.Tell(new ReleaseOne("c")));
        InContext("rel-d", null, () => actor.Tell(new ReleaseOne("d")));

        ExpectSaws(
            ("release-a", "rel-a/t-rel"),
            ("1", "s-1/t-1"),
            ("release-b", "none/none"),
            ("2", "none/none"),
            ("release-c", "rel-c/none"),
            ("3", "s-3/none"),
            ("release-d", "rel-d/none"),
            ("4", "s-4/t-4"));
        ExpectNoMsg(TimeSpan.FromMilliseconds(50));
    }

    /// <summary>A timer's message is stashed, then unstashed by a message from another context.</summary>
    private sealed class TimerStasher(IActorRef probe) : UntypedActor, IWithTimers, IWithUnboundedStash
    {
        public ITimerScheduler Timers { get; set; } = null!;

        public IStash Stash { get; set; } = null!;

        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case "start":
                    Timers.StartSingleTimer("key", new Item("tick"), TimeSpan.FromMilliseconds(1));
                    break;
                case Item:
                    Stash.Stash();
                    probe.Tell("stashed");
                    Become(Open);
                    break;
            }
        }

        private void Open(object message)
        {
            if (message is OpenAll)
            {
                Stash.UnstashAll();
            }
            else if (message is Item item)
            {
                probe.Tell(new Saw(item.Tag, Values()));
            }
        }
    }

    [Fact]
    public void TimerMessage_StashedAndUnstashed_KeepsTheContextOfWhoStartedTheTimer()
    {
        var actor = Sys.ActorOf(Props.Create(() => new TimerStasher(TestActor)));

        InContext("timer-starter", "t-timer", () => actor.Tell("start"));
        ExpectMsg("stashed");
        InContext("opener", null, () => actor.Tell(new OpenAll("x")));

        ExpectMsg(new Saw("tick", "timer-starter/t-timer"));
    }

    /// <summary>Stashes everything; on <see cref="OpenAll"/> unstashes only items whose tag is odd, reporting what the filter saw.</summary>
    private sealed class FilteringStasher(IActorRef probe) : UntypedActor, IWithUnboundedStash
    {
        public IStash Stash { get; set; } = null!;

        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case OpenAll:
                    Stash.UnstashAll(envelope =>
                    {
                        probe.Tell(envelope.Message.GetType().Name);
                        return envelope.Message is Item { Tag: "1" or "3" };
                    });
                    Become(m => probe.Tell(new Saw(((Item)m).Tag, Values())));
                    break;
                default:
                    Stash.Stash();
                    break;
            }
        }
    }

    [Fact]
    public void UnstashAllWithFilter_FilterSeesTheUsersMessage_UnstashedOnesKeepTheirContext()
    {
        var actor = Sys.ActorOf(Props.Create(() => new FilteringStasher(TestActor)));

        InContext("s-1", null, () => actor.Tell(new Item("1")));
        InContext("s-2", null, () => actor.Tell(new Item("2")));
        InContext("s-3", "t-3", () => actor.Tell(new Item("3")));

        actor.Tell(new OpenAll("f"));
        ExpectMsg(nameof(Item));
        ExpectMsg(nameof(Item));
        ExpectMsg(nameof(Item));
        ExpectMsg(new Saw("1", "s-1/none"));
        ExpectMsg(new Saw("3", "s-3/t-3"));
        ExpectNoMsg(TimeSpan.FromMilliseconds(50));
    }

    /// <summary>Stashes "urgent" items in a second stash made with Akka's StashFactory, the rest in its own.</summary>
    private sealed class TwoStashes : UntypedActor, IWithUnboundedStash
    {
        private readonly IActorRef _probe;
        private readonly IStash _urgent;

        public TwoStashes(IActorRef probe)
        {
            _probe = probe;
            _urgent = Context.CreateStash(GetType());
        }

        public IStash Stash { get; set; } = null!;

        protected override void OnReceive(object message)
        {
            switch (message)
            {
                case Item { Tag: "urgent" }:
                    _urgent.Stash();
                    break;
                case Item:
                    Stash.Stash();
                    break;
                case OpenAll:
                    Become(m => _probe.Tell(new Saw(((Item)m).Tag, Values())));
                    Stash.UnstashAll();
                    _urgent.UnstashAll();
                    break;
            }
        }
    }

    [Fact]
    public void SecondStashFromContextCreateStash_StashedMessagesKeepTheirContext()
    {
        var actor = Sys.ActorOf(Props.Create(() => new TwoStashes(TestActor)));

        InContext("normal", null, () => actor.Tell(new Item("normal")));
        InContext("urgent", "t-u", () => actor.Tell(new Item("urgent")));
        InContext("opener", null, () => actor.Tell(new OpenAll("o")));

        // Each UnstashAll prepends to the mailbox, so the second stash's message comes first.
        ExpectMsg(new Saw("urgent", "urgent/t-u"));
        ExpectMsg(new Saw("normal", "normal/none"));
    }

    /// <summary>Replaces the stash Akka gave it, in PreStart.</summary>
    private sealed class OwnStashInPreStart(IActorRef probe) : UntypedActor, IWithUnboundedStash
    {
        public IStash Stash { get; set; } = null!;

        protected override void PreStart() => Stash = Context.CreateStash(GetType());

        protected override void OnReceive(object message)
        {
            if (message is OpenAll)
            {
                Become(m => probe.Tell(new Saw(((Item)m).Tag, Values())));
                Stash.UnstashAll();
            }
            else
            {
                Stash.Stash();
            }
        }
    }

    [Fact]
    public void StashAssignedInPreStart_StashedMessageKeepsItsContext()
    {
        var actor = Sys.ActorOf(Props.Create(() => new OwnStashInPreStart(TestActor)));

        InContext("s-1", "t-1", () => actor.Tell(new Item("1")));
        InContext("opener", null, () => actor.Tell(new OpenAll("o")));

        ExpectMsg(new Saw("1", "s-1/t-1"));
    }
}
