using Akka.Actor;
using Xunit.Abstractions;

namespace ActorContext.Akka.Tests;

/// <summary>Requirement 7: children created in Receive and top-level actors told right after Sys.ActorOf.</summary>
public class ChildrenAndTopLevelTests(ITestOutputHelper output) : PropagationTestKit(output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    // ---------------------------------------------------------------- helpers

    // ---------------------------------------------------------------- messages and actors

    private sealed record Spawn(string Name);

    private sealed record Spawned(string Name, IActorRef Child);

    private sealed record Saw(string Who, string What, string Values);

    /// <summary>Reports its constructor, PreStart and every message, tagged with its name.</summary>
    private sealed class Child : ReceiveActor
    {
        private readonly IActorRef _probe;

        public Child(IActorRef probe)
        {
            _probe = probe;
            probe.Tell(new Saw(Self.Path.Name, "ctor", Values()));
            ReceiveAny(m => probe.Tell(new Saw(Self.Path.Name, $"{m}", Values())));
        }

        protected override void PreStart() => _probe.Tell(new Saw(Self.Path.Name, "preStart", Values()));
    }

    /// <summary>Creates a child in Receive and tells it something from the same handler.</summary>
    private sealed class Parent : ReceiveActor
    {
        public Parent(IActorRef probe, IActorRef childProbe) =>
            Receive<Spawn>(s =>
            {
                var child = Context.ActorOf(Props.Create(() => new Child(childProbe)), s.Name);
                child.Tell("hello-from-parent");
                probe.Tell(new Spawned(s.Name, child));
            });
    }

    private sealed class IdReporter(IActorRef probe) : UntypedActor
    {
        protected override void OnReceive(object message) => probe.Tell($"{Self.Path.Name}={SeenId()}");
    }

    /// <summary>Groups received reports per actor, keeping arrival order.</summary>
    private static Dictionary<string, List<string>> ByActor(IEnumerable<object> received) =>
        received.Cast<Saw>()
            .GroupBy(s => s.Who)
            .ToDictionary(g => g.Key, g => g.Select(s => $"{s.What}:{s.Values}").ToList());

    // ---------------------------------------------------------------- children

    [Fact]
    public void Child_CreatedInReceive_PreStartAndMessagesSeeCreatingMessageContext()
    {
        var childProbe = CreateTestProbe();
        IActorRef parent = ActorRefs.Nobody;

        // The parent's own creation context must not be what its children see.
        InContext("parent-creator", "t-parent", () => parent = Sys.ActorOf(Props.Create(() => new Parent(TestActor, childProbe.Ref))));

        InContext("spawn-1", "t-1", () => parent.Tell(new Spawn("c1")));
        parent.Tell(new Spawn("c2")); // no context, handled right after spawn-1 by the same parent
        InContext("spawn-3", null, () => parent.Tell(new Spawn("c3")));

        var spawned = new[] { ExpectMsg<Spawned>(), ExpectMsg<Spawned>(), ExpectMsg<Spawned>() };
        Assert.Equal(["c1", "c2", "c3"], spawned.Select(s => s.Name));

        var reports = ByActor(childProbe.ReceiveN(9, Timeout));
        Assert.Equal(["ctor:spawn-1/t-1", "preStart:spawn-1/t-1", "hello-from-parent:spawn-1/t-1"], reports["c1"]);
        Assert.Equal(["ctor:none/none", "preStart:none/none", "hello-from-parent:none/none"], reports["c2"]);
        Assert.Equal(["ctor:spawn-3/none", "preStart:spawn-3/none", "hello-from-parent:spawn-3/none"], reports["c3"]);

        // Told from the edge, a child sees the edge's context, whatever it was created with.
        var c1 = spawned[0].Child;
        InContext("edge-2", "t-edge", () => c1.Tell("from-edge"));
        c1.Tell("from-edge-without-context");
        childProbe.ExpectMsg(new Saw("c1", "from-edge", "edge-2/t-edge"));
        childProbe.ExpectMsg(new Saw("c1", "from-edge-without-context", "none/none"));
    }

    // ---------------------------------------------------------------- top level

    [Fact]
    public void TopLevel_TwoHundredActorsToldRightAfterActorOf_EachRepliesWithItsOwnId()
    {
        const int count = 200;
        for (var i = 0; i < count; i++)
        {
            var actor = Sys.ActorOf(Props.Create(() => new IdReporter(TestActor)), $"top-{i}");
            var id = $"t-{i}";
            InContext(id, null, () => actor.Tell("who"));
            actor.Tell("who-without-context");
        }

        var replies = ReceiveN(2 * count, Timeout).Cast<string>().ToList();
        var expected = Enumerable.Range(0, count).SelectMany(i => new[] { $"top-{i}=t-{i}", $"top-{i}=none" });
        Assert.Equal(expected.Order(StringComparer.Ordinal), replies.Order(StringComparer.Ordinal));

        // Per actor, the message with the id arrived first.
        for (var i = 0; i < count; i++)
        {
            var mine = replies.Where(r => r.StartsWith($"top-{i}=", StringComparison.Ordinal)).ToList();
            Assert.Equal([$"top-{i}=t-{i}", $"top-{i}=none"], mine);
        }
    }

    [Fact]
    public void TopLevel_CreatedInContext_ConstructorAndPreStartSeeCreatorContextMessagesTheirOwn()
    {
        IActorRef actor = ActorRefs.Nobody;
        InContext("creator", "t-creator", () =>
        {
            actor = Sys.ActorOf(Props.Create(() => new Child(TestActor)), "created-in-context");
            actor.Tell("first");
        });
        actor.Tell("second");

        ExpectMsg(new Saw("created-in-context", "ctor", "creator/t-creator"));
        ExpectMsg(new Saw("created-in-context", "preStart", "creator/t-creator"));
        ExpectMsg(new Saw("created-in-context", "first", "creator/t-creator"));
        ExpectMsg(new Saw("created-in-context", "second", "none/none"));
    }

    [Fact]
    public void TopLevel_CallingThreadDispatcherActorCreatedInContext_ConstructorAndPreStartSeeCreatorContext()
    {
        // TestKit users often run actors on the CallingThreadDispatcher. A top-level actor is still started
        // asynchronously: the guardian runs its constructor, on the guardian's thread, not the creator's.
        InContext("creator", "t-creator", () =>
            Sys.ActorOf(Props.Create(() => new Child(TestActor)).WithDispatcher(CallingThreadDispatcherId), "ctd-in-context"));

        ExpectMsg(new Saw("ctd-in-context", "ctor", "creator/t-creator"));
        ExpectMsg(new Saw("ctd-in-context", "preStart", "creator/t-creator"));
    }
}
