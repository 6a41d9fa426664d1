using Akka.Actor;
using Akka.Routing;
using Xunit.Abstractions;

namespace ActorContext.Akka.Tests;

/// <summary>Routers are Akka's own: every routee must still see the context of the code that told the router.</summary>
public class RouterTests(ITestOutputHelper output) : PropagationTestKit(output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>A message whose payload names the context it was sent under, so the routee can compare.</summary>
    private sealed record Work(string SentUnder, string Key = "");

    /// <summary>What a routee saw: which routee it was, what it was told and the id in its context.</summary>
    private sealed record Seen(string Routee, string SentUnder, string Id, string Key);

    private sealed class Routee : ReceiveActor
    {
        public Routee(IActorRef probe) =>
            Receive<Work>(w => probe.Tell(new Seen(Self.Path.Name, w.SentUnder, SeenId(), w.Key)));
    }

    private Props RouteeProps(IActorRef probe) => Props.Create(() => new Routee(probe));

    private List<Seen> Collect(int count) => Enumerable.Range(0, count).Select(_ => ExpectMsg<Seen>(Timeout)).ToList();

    private static void AssertEachSawItsSender(IEnumerable<Seen> seen)
    {
        foreach (var s in seen)
        {
            Assert.Equal(s.SentUnder, s.Id);
        }
    }

    private void SendEach(IActorRef router, IEnumerable<string> ids)
    {
        foreach (var id in ids)
        {
            if (id == "none")
            {
                router.Tell(new Work("none"));
            }
            else
            {
                WithId(id, () => router.Tell(new Work(id)));
            }
        }
    }

    [Fact]
    public void RoundRobinPool_ToldUnderDifferentContexts_EachRouteeSeesItsSendersContext()
    {
        var router = Sys.ActorOf(RouteeProps(TestActor).WithRouter(new RoundRobinPool(3)), "rr-pool");
        var ids = new[] { "rr-1", "rr-2", "none", "rr-4", "rr-5", "none", "rr-7", "rr-8", "rr-9" };

        SendEach(router, ids);

        var seen = Collect(ids.Length);
        AssertEachSawItsSender(seen);
        Assert.Equal(ids.OrderBy(x => x), seen.Select(s => s.SentUnder).OrderBy(x => x));
        Assert.Equal(3, seen.Select(s => s.Routee).Distinct().Count());
    }

    [Fact]
    public void TopLevelPool_ToldImmediatelyAfterActorOf_RouteesSeeSendersContext()
    {
        // No wait between creation and the first tells: nothing may be queued and replayed without its context.
        var seenIds = new List<string>();
        for (var round = 0; round < 20; round++)
        {
            var routerName = $"immediate-{round}";
            WithId($"first-{round}", () =>
            {
                var router = Sys.ActorOf(RouteeProps(TestActor).WithRouter(new RoundRobinPool(4)), routerName);
                router.Tell(new Work($"first-{round}"));
                router.Tell(new Work($"first-{round}"));
            });
        }

        var seen = Collect(40);
        AssertEachSawItsSender(seen);
        Assert.All(seen, s => Assert.StartsWith("first-", s.Id));
    }

    [Fact]
    public void TopLevelPool_CreatedUnderOneContextToldUnderAnother_RouteesSeeTheTellersContext()
    {
        IActorRef router = null!;
        WithId("creator", () => router = Sys.ActorOf(RouteeProps(TestActor).WithRouter(new RoundRobinPool(2))));
        WithId("teller", () => router.Tell(new Work("teller")));
        router.Tell(new Work("none"));

        var seen = Collect(2);
        AssertEachSawItsSender(seen);
    }

    [Fact]
    public void BroadcastPool_ToldUnderContext_EveryRouteeSeesTheSendersContext()
    {
        var router = Sys.ActorOf(RouteeProps(TestActor).WithRouter(new BroadcastPool(4)), "bc-pool");

        WithId("bc-1", () => router.Tell(new Work("bc-1")));
        router.Tell(new Work("none"));
        WithId("bc-3", () => router.Tell(new Work("bc-3")));

        var seen = Collect(12);
        AssertEachSawItsSender(seen);
        foreach (var group in seen.GroupBy(s => s.SentUnder))
        {
            // Every routee got every message, each with the context of the code that sent it.
            Assert.Equal(4, group.Select(s => s.Routee).Distinct().Count());
        }
    }

    [Fact]
    public void BroadcastMessage_ThroughRoundRobinPool_EveryRouteeSeesTheSendersContext()
    {
        var router = Sys.ActorOf(RouteeProps(TestActor).WithRouter(new RoundRobinPool(3)), "rr-broadcast");

        WithId("all-1", () => router.Tell(new Broadcast(new Work("all-1"))));

        var seen = Collect(3);
        AssertEachSawItsSender(seen);
        Assert.Equal(3, seen.Select(s => s.Routee).Distinct().Count());
    }

    [Fact]
    public void ConsistentHashingPool_WithHashMapping_SameKeySameRouteeAndSendersContext()
    {
        var pool = new ConsistentHashingPool(4).WithHashMapping(m => m is Work w ? w.Key : null!);
        var router = Sys.ActorOf(RouteeProps(TestActor).WithRouter(pool), "ch-pool");
        var keys = new[] { "apple", "banana", "cherry", "date", "elder" };

        var sent = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            var key = keys[i % keys.Length];
            var id = i % 4 == 3 ? "none" : $"ch-{i}";
            sent.Add(id);
            if (id == "none")
            {
                router.Tell(new Work("none", key));
            }
            else
            {
                WithId(id, () => router.Tell(new Work(id, key)));
            }
        }

        var seen = Collect(30);
        AssertEachSawItsSender(seen);
        foreach (var byKey in seen.GroupBy(s => s.Key))
        {
            Assert.Single(byKey.Select(s => s.Routee).Distinct());
        }

        Assert.Equal(sent.OrderBy(x => x), seen.Select(s => s.SentUnder).OrderBy(x => x));
    }

    [Fact]
    public void RoundRobinGroup_ToldUnderDifferentContexts_EachRouteeSeesItsSendersContext()
    {
        var paths = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            var routee = Sys.ActorOf(RouteeProps(TestActor), $"rr-group-routee-{i}");
            paths.Add(routee.Path.ToStringWithoutAddress());
        }

        var router = Sys.ActorOf(Props.Empty.WithRouter(new RoundRobinGroup(paths)), "rr-group");
        var ids = new[] { "g-1", "none", "g-3", "g-4", "none", "g-6" };

        SendEach(router, ids);

        var seen = Collect(ids.Length);
        AssertEachSawItsSender(seen);
        Assert.Equal(3, seen.Select(s => s.Routee).Distinct().Count());
    }

    [Fact]
    public void BroadcastGroup_ToldUnderContext_EveryRouteeSeesTheSendersContext()
    {
        var paths = Enumerable.Range(0, 3)
            .Select(i => Sys.ActorOf(RouteeProps(TestActor), $"bc-group-routee-{i}").Path.ToStringWithoutAddress())
            .ToList();
        var router = Sys.ActorOf(Props.Empty.WithRouter(new BroadcastGroup(paths)), "bc-group");

        WithId("bg-1", () => router.Tell(new Work("bg-1")));
        router.Tell(new Work("none"));

        var seen = Collect(6);
        AssertEachSawItsSender(seen);
        Assert.Equal(3, seen.Where(s => s.SentUnder == "bg-1").Select(s => s.Routee).Distinct().Count());
        Assert.Equal(3, seen.Where(s => s.SentUnder == "none").Select(s => s.Routee).Distinct().Count());
    }

    [Fact]
    public void ConsistentHashingGroup_WithHashMapping_SameKeySameRouteeAndSendersContext()
    {
        var paths = Enumerable.Range(0, 3)
            .Select(i => Sys.ActorOf(RouteeProps(TestActor), $"ch-group-routee-{i}").Path.ToStringWithoutAddress())
            .ToList();
        var group = new ConsistentHashingGroup(paths).WithHashMapping(m => m is Work w ? w.Key : null!);
        var router = Sys.ActorOf(Props.Empty.WithRouter(group), "ch-group");

        for (var i = 0; i < 12; i++)
        {
            var id = $"chg-{i}";
            var key = $"key-{i % 3}";
            WithId(id, () => router.Tell(new Work(id, key)));
        }

        var seen = Collect(12);
        AssertEachSawItsSender(seen);
        foreach (var byKey in seen.GroupBy(s => s.Key))
        {
            Assert.Single(byKey.Select(s => s.Routee).Distinct());
        }
    }

    private sealed class ParentWithPool : ReceiveActor
    {
        public ParentWithPool(IActorRef probe)
        {
            var pool = Context.ActorOf(Props.Create(() => new Routee(probe)).WithRouter(new RoundRobinPool(3)), "child-pool");
            Receive<Work>(w => pool.Tell(w));
        }
    }

    [Fact]
    public void ChildPool_ToldFromParentsReceive_RouteesSeeTheParentsMessageContext()
    {
        var parent = Sys.ActorOf(Props.Create(() => new ParentWithPool(TestActor)), "parent-with-pool");
        var ids = new[] { "p-1", "none", "p-3", "p-4", "none", "p-6" };

        SendEach(parent, ids);

        var seen = Collect(ids.Length);
        AssertEachSawItsSender(seen);
        Assert.Equal(ids.OrderBy(x => x), seen.Select(s => s.SentUnder).OrderBy(x => x));
    }
}
