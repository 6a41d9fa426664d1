using System.Diagnostics;
using System.Runtime.CompilerServices;
using Akka.Actor;
using Xunit.Abstractions;

namespace ActorContext.Akka.Tests;

/// <summary>
/// Nothing keeps a request alive after it is done: values set in requests that went through actors (with and without a
/// running Activity) are collectable once unrelated traffic has gone through the same actors and threads.
/// </summary>
[Collection(TracingCollection.Name)]
public sealed class RetentionTests(ITestOutputHelper output) : PropagationTestKit(output)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private sealed class Hop(IActorRef next) : UntypedActor
    {
        protected override void OnReceive(object message) => next.Tell(message);
    }

    private sealed class Sink(IActorRef probe) : UntypedActor
    {
        protected override void OnReceive(object message) => probe.Tell($"{message}:{SeenId()}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void RequestsThroughActors_AreCollectableOnceDone(bool traced)
    {
        var sink = Sys.ActorOf(Props.Create(() => new Sink(TestActor)));
        var second = Sys.ActorOf(Props.Create(() => new Hop(sink)));
        var first = Sys.ActorOf(Props.Create(() => new Hop(second)));

        var weak = SendRequests(first, traced, count: 20);
        for (var i = 0; i < 20; i++)
        {
            ExpectMsg<string>(Timeout);
        }

        // Unrelated traffic through the same actors (and so the same threads) replaces whatever they kept last.
        for (var i = 0; i < 50; i++)
        {
            WithId($"later-{i}", () => first.Tell("later"));
            ExpectMsg($"later:later-{i}", Timeout);
        }

        for (var i = 0; i < 3; i++)
        {
            GC.Collect(2, GCCollectionMode.Forced, blocking: true);
            GC.WaitForPendingFinalizers();
        }

        Assert.Equal(0, weak.Count(w => w.TryGetTarget(out _)));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static List<WeakReference<object>> SendRequests(IActorRef first, bool traced, int count)
    {
        var weak = new List<WeakReference<object>>();
        for (var i = 0; i < count; i++)
        {
            var value = $"request-{i}-{Guid.NewGuid():N}";
            weak.Add(new WeakReference<object>(value));
            new MessageContext().Run(() =>
            {
                using var activity = traced ? new Activity("edge").SetIdFormat(ActivityIdFormat.W3C).Start() : null;
                RequestId.Set(value);
                first.Tell("request");
                if (activity is not null)
                {
                    weak.Add(new WeakReference<object>(activity));
                }
            });
        }

        return weak;
    }
}
