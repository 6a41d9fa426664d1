using System.Collections.Concurrent;
using ActorContext.Akka;
using Akka.Actor;
using Akka.Configuration;
using Akka.Streams;
using Xunit.Abstractions;

namespace ActorContext.Streams.Tests;

/// <summary>
/// A TestKit whose actor system propagates contexts, with helpers that offer elements under distinct request IDs
/// from concurrent callers and collect every place an element was seen under another ID.
/// </summary>
public abstract class StreamContextTestKit : global::Akka.TestKit.Xunit2.TestKit
{
    public static readonly ContextVar<string> RequestId = new("request-id");

    protected static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    protected StreamContextTestKit(ITestOutputHelper output, string hocon = "")
        : base(ConfigurationFactory.ParseString(hocon).WithMessageContext(), output: output)
    {
        Materializer = Sys.Materializer();
    }

    protected IMaterializer Materializer { get; }

    /// <summary>The request ID visible to the code running now, or "none".</summary>
    public static string Seen() => RequestId.Get("none");

    /// <summary>The ID element <paramref name="element"/> is offered under.</summary>
    public static string IdOf(int element) => $"q-{element}";

    /// <summary>Runs <paramref name="offer"/> for elements 0..count-1 concurrently, each from its own caller under its own ID.</summary>
    protected static Task OfferConcurrently(int count, Func<int, Task> offer) =>
        Task.WhenAll(Enumerable.Range(0, count).Select(i => Task.Run(async () =>
        {
            RequestId.Set(IdOf(i));
            await offer(i);
        })));

    /// <summary>Runs <paramref name="action"/> under <paramref name="id"/> without changing the caller's context.</summary>
    protected static T Under<T>(string id, Func<T> action)
    {
        var result = default(T)!;
        new MessageContext().Run(() =>
        {
            RequestId.Set(id);
            result = action();
        });
        return result;
    }

    /// <summary>Where elements were seen and under which ID.</summary>
    public sealed class Sightings
    {
        private readonly ConcurrentQueue<(string Where, int Element, string Id)> _seen = new();

        /// <summary>Records that <paramref name="where"/> saw <paramref name="element"/> under the current ID; returns the element.</summary>
        public int Saw(string where, int element)
        {
            _seen.Enqueue((where, element, Seen()));
            return element;
        }

        public int Count(string where) => _seen.Count(s => s.Where == where);

        /// <summary>Every sighting whose ID is not the one <paramref name="expected"/> allows, one line each.</summary>
        public IReadOnlyList<string> Mismatches(Func<string, int, string, bool> expected) =>
            [.. _seen.Where(s => !expected(s.Where, s.Element, s.Id)).Select(s => $"{s.Where}: element {s.Element} ran under {s.Id}")];

        /// <summary>Every sighting not under the element's own ID.</summary>
        public IReadOnlyList<string> NotOwnId() => Mismatches((_, element, id) => id == IdOf(element));

        /// <summary>Every sighting under the ID of another element (its own ID or none are fine).</summary>
        public IReadOnlyList<string> UnderAnotherElementsId() => Mismatches((_, element, id) => id == IdOf(element) || !id.StartsWith("q-", StringComparison.Ordinal));
    }

    /// <summary>Fails listing every mismatch, not the first.</summary>
    protected static void AssertNone(IReadOnlyList<string> mismatches) =>
        Assert.True(mismatches.Count == 0, $"{mismatches.Count} mismatch(es):\n{string.Join("\n", mismatches)}");

    /// <summary>Records the ID it runs under for each element and answers with the element.</summary>
    public sealed class Recorder : ReceiveActor
    {
        public Recorder(Sightings sightings, string name, object? ack = null)
        {
            Receive<int>(element =>
            {
                sightings.Saw(name, element);
                Sender.Tell(ack ?? element);
            });
            ReceiveAny(other =>
            {
                if (ack is not null)
                {
                    Sender.Tell(ack);
                }
            });
        }
    }
}
