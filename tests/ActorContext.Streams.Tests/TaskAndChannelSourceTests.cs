using System.Reflection;
using System.Threading.Channels;
using Akka.Actor;
using Akka.Streams;
using Akka.Streams.Dsl;
using Xunit.Abstractions;

namespace ActorContext.Streams.Tests;

/// <summary>Source.FromTask, Source.Channel and ChannelSource.FromReader, with and without <see cref="ContextChannel"/>.</summary>
public class TaskAndChannelSourceTests(ITestOutputHelper output) : StreamContextTestKit(output)
{
    private const int Elements = 40;

    [Fact]
    public async Task FromTask_TaskCompletionSourcesCompletedByConcurrentCallers_EachElementRunsUnderItsCompletersId()
    {
        var seen = new Sightings();
        var completions = Enumerable.Range(0, Elements).Select(_ => new TaskCompletionSource<int>()).ToArray();
        var streams = Under("materializer", () => completions.Select(completion => Source.FromTask(completion.Task)
            .Select(e => seen.Saw("select", e))
            .RunWith(Sink.ForEach<int>(e => seen.Saw("for-each", e)), Materializer)).ToArray());
        await WhenEachStreamWaits(completions.Select(c => c.Task));

        await OfferConcurrently(Elements, e =>
        {
            completions[e].SetResult(e);
            return Task.CompletedTask;
        });
        await Task.WhenAll(streams).WaitAsync(Timeout);

        Assert.Equal(Elements, seen.Count("for-each"));
        AssertNone(seen.NotOwnId());
    }

    [Fact]
    public async Task FromTask_AsyncMethodsStartedUnderDistinctIds_EachElementRunsUnderItsMethodsId()
    {
        var seen = new Sightings();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var work = Enumerable.Range(0, Elements).Select(e => Under(IdOf(e), () => Work(e, gate.Task))).ToArray();
        var streams = Under("materializer", () => work.Select(task => Source.FromTask(task)
            .Select(e => seen.Saw("select", e))
            .RunWith(Sink.ForEach<int>(e => seen.Saw("for-each", e)), Materializer)).ToArray());
        await WhenEachStreamWaits(work);

        gate.SetResult();
        await Task.WhenAll(streams).WaitAsync(Timeout);

        Assert.Equal(Elements, seen.Count("for-each"));
        AssertNone(seen.NotOwnId());

        static async Task<int> Work(int element, Task gate)
        {
            await gate;
            return element;
        }
    }

    [Fact]
    public async Task FromTask_TaskCompletedBeforeTheStreamRuns_ElementRunsUnderTheMaterializationContext()
    {
        var seen = new Sightings();
        var completedElsewhere = new TaskCompletionSource<int>();
        Under("completer", () => completedElsewhere.TrySetResult(1));
        var done = Under("materializer", () => Task.WhenAll(
            Source.FromTask(Task.FromResult(0)).Select(e => seen.Saw("select", e)).RunWith(Sink.Ignore<int>(), Materializer),
            Source.FromTask(completedElsewhere.Task).Select(e => seen.Saw("select", e)).RunWith(Sink.Ignore<int>(), Materializer)));
        await done.WaitAsync(Timeout);

        Assert.Equal(2, seen.Count("select"));
        AssertNone(seen.Mismatches((_, _, id) => id == "materializer"));
    }

    [Fact]
    public async Task FromTask_ContinuationsRunAsynchronously_ElementRunsUnderTheMaterializationContext()
    {
        // The completer's context cannot reach a continuation the task runs on another thread: never another element's.
        var seen = new Sightings();
        var completion = new TaskCompletionSource<int>(TaskCreationOptions.RunContinuationsAsynchronously);
        var done = Under("materializer", () => Source.FromTask(completion.Task)
            .Select(e => seen.Saw("task", e))
            .RunWith(Sink.Ignore<int>(), Materializer));
        await WhenEachStreamWaits([completion.Task]);
        Under("completer", () => completion.TrySetResult(7));
        await done.WaitAsync(Timeout);

        AssertNone(seen.Mismatches((_, _, id) => id == "materializer"));
    }

    [Theory]
    [InlineData("write-async")]
    [InlineData("try-write")]
    public async Task ContextChannel_WritesFromConcurrentCallersThroughThrottleAndAsk_EachElementRunsUnderItsWritersId(string write)
    {
        var seen = new Sightings();
        var recorder = Sys.ActorOf(Props.Create(() => new Recorder(seen, "ask-receiver", null)));
        var channel = ContextChannel.CreateBounded<int>(new BoundedChannelOptions(Elements) { SingleReader = true });
        var done = Under("materializer", () => ChannelSource.FromReader(channel.Reader)
            .Throttle(20, TimeSpan.FromMilliseconds(100), 1, ThrottleMode.Shaping)
            .Select(e => seen.Saw("select", e))
            .SelectAsync(4, e => recorder.Ask<int>(e, Timeout))
            .RunWith(Sink.ForEach<int>(e => seen.Saw("for-each", e)), Materializer));
        await Task.Delay(200);

        await OfferConcurrently(Elements, e =>
        {
            if (write == "write-async")
            {
                return channel.Writer.WriteAsync(e).AsTask();
            }

            Assert.True(channel.Writer.TryWrite(e), "the channel has room for every element");
            return Task.CompletedTask;
        });
        channel.Writer.Complete();
        await done.WaitAsync(Timeout);

        Assert.Equal(Elements, seen.Count("for-each"));
        AssertNone(seen.NotOwnId());
    }

    [Fact]
    public async Task ContextChannel_TwoStreamsReadingOneChannel_EachElementRunsUnderItsWritersId()
    {
        var seen = new Sightings();
        var channel = ContextChannel.CreateUnbounded<int>(new UnboundedChannelOptions());
        var streams = Enumerable.Range(0, 2).Select(s => ChannelSource.FromReader(channel.Reader)
            .Throttle(1, TimeSpan.FromMilliseconds(5), 1, ThrottleMode.Shaping)
            .RunWith(Sink.ForEach<int>(e => seen.Saw($"for-each-{s}", e)), Materializer)).ToArray();
        await Task.Delay(200);

        await OfferConcurrently(Elements, e => channel.Writer.WriteAsync(e).AsTask());
        channel.Writer.Complete();
        await Task.WhenAll(streams).WaitAsync(Timeout);

        Assert.Equal(Elements, seen.Count("for-each-0") + seen.Count("for-each-1"));
        AssertNone(seen.NotOwnId());
    }

    [Fact]
    public async Task ContextChannel_WritesWithAndWithoutAContext_EachUnderItsWritersContextOrNone()
    {
        var seen = new Sightings();
        var channel = ContextChannel.CreateUnbounded<int>(new UnboundedChannelOptions { SingleReader = true });
        var done = Under("materializer", () => ChannelSource.FromReader(channel.Reader)
            .Throttle(1, TimeSpan.FromMilliseconds(2), 1, ThrottleMode.Shaping)
            .RunWith(Sink.ForEach<int>(e => seen.Saw("for-each", e)), Materializer));
        await Task.Delay(200);

        // Odd elements are written by code with no context at all.
        await Task.WhenAll(Enumerable.Range(0, Elements).Select(e => e % 2 == 0
            ? Task.Run(() => Under(IdOf(e), () => channel.Writer.WriteAsync(e).AsTask()))
            : Task.Run(() => new MessageContext().Run(() => channel.Writer.WriteAsync(e).AsTask()))));
        channel.Writer.Complete();
        await done.WaitAsync(Timeout);

        Assert.Equal(Elements, seen.Count("for-each"));
        AssertNone(seen.Mismatches((_, e, id) => id == (e % 2 == 0 ? IdOf(e) : "none")));
    }

    [Fact]
    public async Task ContextChannel_ReadOutsideAStream_ItemsArriveAndTheReadersContextStays()
    {
        var channel = ContextChannel.CreateBounded<int>(new BoundedChannelOptions(4));
        Under("writer", () => channel.Writer.TryWrite(1));
        await Task.Run(() => Under("writer", () => channel.Writer.WriteAsync(2).AsTask())).WaitAsync(Timeout);
        channel.Writer.Complete();

        RequestId.Set("reader");
        var items = new List<int>();
        await foreach (var item in channel.Reader.ReadAllAsync().WithCancellation(CancellationToken.None))
        {
            items.Add(item);
            Assert.Equal("reader", Seen());
        }

        Assert.Equal([1, 2], items);
        Assert.True(channel.Reader.Completion.IsCompleted);
    }

    [Fact]
    public void ContextChannel_TryWriteAndTryReadUnderAContext_AllocateNothingPerItem()
    {
        var channel = ContextChannel.CreateBounded<int>(new BoundedChannelOptions(1024));
        RequestId.Set("writer");
        for (var round = 0; round < 2; round++)
        {
            // The first round warms up (the channel's buffer grows to its size once); the second is measured.
            var before = GC.GetAllocatedBytesForCurrentThread();
            for (var i = 0; i < 1000; i++)
            {
                Assert.True(channel.Writer.TryWrite(i));
            }

            for (var i = 0; i < 1000; i++)
            {
                Assert.True(channel.Reader.TryRead(out _));
            }

            if (round == 1)
            {
                Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
            }
        }
    }

    [Fact]
    public void ContextChannel_NullOptions_ThrowsArgumentNullException()
    {
        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => ContextChannel.CreateBounded<int>(null!)).ParamName);
        Assert.Equal("options", Assert.Throws<ArgumentNullException>(() => ContextChannel.CreateUnbounded<int>(null!)).ParamName);
    }

    [Fact]
    public async Task SourceChannel_WritesFromConcurrentCallers_RunUnderTheMaterializationContextNeverAnotherElementsId()
    {
        var seen = new Sightings();
        var (writer, done) = Under("materializer", () => Source.Channel<int>(Elements)
            .Throttle(20, TimeSpan.FromMilliseconds(100), 1, ThrottleMode.Shaping)
            .Select(e => seen.Saw("channel", e))
            .ToMaterialized(Sink.Ignore<int>(), Keep.Both)
            .Run(Materializer));
        await Task.Delay(200);

        await OfferConcurrently(Elements, e => writer.WriteAsync(e).AsTask());
        writer.Complete();
        await done.WaitAsync(Timeout);

        Assert.Equal(Elements, seen.Count("channel"));
        AssertNone(seen.Mismatches((_, _, id) => id == "materializer"));
    }

    [Fact]
    public async Task FromReaderOverAPlainChannel_WritesContinuingTheReaderSynchronously_RunUnderTheMaterializationContext()
    {
        // A plain channel that runs the waiting reader on the writer's thread: the writer's context is there by
        // accident, and only for the item that woke the reader; the library does not take it.
        var seen = new Sightings();
        var channel = Channel.CreateUnbounded<int>(new UnboundedChannelOptions { AllowSynchronousContinuations = true, SingleReader = true });
        var done = Under("materializer", () => ChannelSource.FromReader(channel.Reader)
            .Select(e => seen.Saw("select", e))
            .RunWith(Sink.ForEach<int>(e => seen.Saw("for-each", e)), Materializer));
        await Task.Delay(200);

        await OfferConcurrently(Elements, e => channel.Writer.WriteAsync(e).AsTask());
        channel.Writer.Complete();
        await done.WaitAsync(Timeout);

        Assert.Equal(Elements, seen.Count("for-each"));
        AssertNone(seen.Mismatches((_, _, id) => id == "materializer"));
    }

    /// <summary>Waits until each task has a continuation: the stream reading it has pulled and is waiting for it.</summary>
    private async Task WhenEachStreamWaits(IEnumerable<Task> tasks)
    {
        // Task keeps its continuations in a private field; read here only to know the streams have started.
        var continuations = typeof(Task).GetField("m_continuationObject", BindingFlags.Instance | BindingFlags.NonPublic)
            ?? throw new InvalidOperationException("Task.m_continuationObject not found: this test needs another way to see a stream waiting");
        var list = tasks.ToList();
        await AwaitConditionAsync(() => Task.FromResult(list.All(t => continuations.GetValue(t) is not null)), Timeout);
    }
}
