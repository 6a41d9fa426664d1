namespace ActorContext.Tests;

public class RequestContextTests
{
    [Fact]
    public void Get_KeyNeverSet_ReturnsNull()
    {
        Ambient.Run(() =>
        {
            Assert.Null(RequestContext.Get("rc-never-set-" + Guid.NewGuid()));
            Assert.Null(RequestContext.Get("trace-id"));
        });
    }

    [Fact]
    public void Set_ThenGet_ReturnsValue()
    {
        Ambient.Run(() =>
        {
            RequestContext.Set("trace-id", "t-1");
            RequestContext.Set("retries", 3);

            Assert.Equal("t-1", RequestContext.Get("trace-id"));
            Assert.Equal(3, RequestContext.Get("retries"));
        });
    }

    [Fact]
    public void Set_SameKeyTwice_LastValueWinsWithOneEntry()
    {
        Ambient.Run(() =>
        {
            RequestContext.Set("k", "a");
            RequestContext.Set("k", "b");

            Assert.Equal("b", RequestContext.Get("k"));
            Assert.Equal(new[] { "k" }, RequestContext.Keys);
        });
    }

    [Fact]
    public void Set_NullValue_IsStoredAsPresentEntry()
    {
        Ambient.Run(() =>
        {
            RequestContext.Set("nullable", null);

            Assert.Null(RequestContext.Get("nullable"));
            Assert.Contains("nullable", RequestContext.Keys);
            Assert.True(RequestContext.Remove("nullable"));
            Assert.Empty(RequestContext.Keys);
        });
    }

    [Fact]
    public void Set_KeysAreCaseSensitive_DistinctEntries()
    {
        Ambient.Run(() =>
        {
            RequestContext.Set("Key", 1);
            RequestContext.Set("key", 2);

            Assert.Equal(1, RequestContext.Get("Key"));
            Assert.Equal(2, RequestContext.Get("key"));
            Assert.Equal(2, RequestContext.Keys.Count);
        });
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void Members_NullOrEmptyKey_ThrowArgumentException(string? key)
    {
        Assert.ThrowsAny<ArgumentException>(() => RequestContext.Set(key!, 1));
        Assert.ThrowsAny<ArgumentException>(() => RequestContext.Get(key!));
        Assert.ThrowsAny<ArgumentException>(() => RequestContext.Remove(key!));
    }

    [Fact]
    public void Remove_PresentKey_ReturnsTrueAndRemovesIt()
    {
        Ambient.Run(() =>
        {
            RequestContext.Set("a", 1);
            RequestContext.Set("b", 2);

            Assert.True(RequestContext.Remove("a"));
            Assert.Null(RequestContext.Get("a"));
            Assert.Equal(2, RequestContext.Get("b"));
            Assert.Equal(new[] { "b" }, RequestContext.Keys);
        });
    }

    [Fact]
    public void Remove_AbsentKey_ReturnsFalse()
    {
        Ambient.Run(() =>
        {
            Assert.False(RequestContext.Remove("rc-unknown-" + Guid.NewGuid()));
            RequestContext.Set("present", 1);
            Assert.False(RequestContext.Remove("absent"));
            Assert.True(RequestContext.Remove("present"));
            Assert.False(RequestContext.Remove("present"));
        });
    }

    [Fact]
    public void Keys_MixedEntries_ListsOnlyStringKeys()
    {
        var typed = new ContextVar<string>("typed-var");

        Ambient.Run(() =>
        {
            Assert.Empty(RequestContext.Keys);
            typed.Set("t");
            RequestContext.Set("one", 1);
            RequestContext.Set("two", 2);

            Assert.Equal(new[] { "one", "two" }, RequestContext.Keys.OrderBy(k => k, StringComparer.Ordinal));
        });
    }

    [Fact]
    public void Clear_MixedEntries_RemovesStringKeysAndLeavesTypedVars()
    {
        var typed = new ContextVar<string>("typed");
        var sameNameAsKey = new ContextVar<int>("user");

        Ambient.Run(() =>
        {
            typed.Set("keep");
            sameNameAsKey.Set(7);
            RequestContext.Set("user", "alice");
            RequestContext.Set("tenant", "acme");

            RequestContext.Clear();

            Assert.Empty(RequestContext.Keys);
            Assert.Null(RequestContext.Get("user"));
            Assert.Null(RequestContext.Get("tenant"));
            Assert.Equal("keep", typed.Get());
            Assert.Equal(7, sameNameAsKey.Get());
            Assert.Equal(2, MessageContext.CopyCurrent().Count);
        });
    }

    [Fact]
    public void Clear_NothingSet_DoesNothing()
    {
        Ambient.Run(() =>
        {
            RequestContext.Clear();
            Assert.Empty(RequestContext.Keys);
            Assert.Empty(MessageContext.CopyCurrent());
        });
    }

    [Fact]
    public void Set_AfterCopyCurrent_CopyDoesNotSeeIt()
    {
        Ambient.Run(() =>
        {
            RequestContext.Set("before", 1);
            var copy = MessageContext.CopyCurrent();

            RequestContext.Set("after", 2);
            RequestContext.Set("before", 10);

            Assert.Null(copy.Lookup("after"));
            Assert.Equal(1, copy.Lookup("before"));
            Assert.Single(copy);
        });
    }

    [Fact]
    public void RemoveAndClear_AfterCopyCurrent_CopyKeepsItsEntries()
    {
        Ambient.Run(() =>
        {
            RequestContext.Set("a", 1);
            RequestContext.Set("b", 2);
            var copy = MessageContext.CopyCurrent();

            RequestContext.Remove("a");
            RequestContext.Clear();

            Assert.Equal(2, copy.Count);
            Assert.Equal(1, copy.Lookup("a"));
            Assert.Equal(2, copy.Lookup("b"));
            copy.Run(() => Assert.Equal(1, RequestContext.Get("a")));
        });
    }

    [Fact]
    public void Set_InsideRun_StaysInThatContext()
    {
        Ambient.Run(() =>
        {
            RequestContext.Set("k", "outer");
            var ctx = new MessageContext();

            ctx.Run(() =>
            {
                Assert.Null(RequestContext.Get("k"));
                RequestContext.Set("k", "inner");
                RequestContext.Set("only-inner", true);
            });

            Assert.Equal("outer", RequestContext.Get("k"));
            Assert.Null(RequestContext.Get("only-inner"));
            Assert.Equal("inner", ctx.Lookup("k"));
            Assert.Equal(true, ctx.Lookup("only-inner"));
            ctx.Run(() => Assert.Equal("inner", RequestContext.Get("k")));
        });
    }

    [Fact]
    public void Clear_InsideRun_DoesNotTouchCaller()
    {
        Ambient.Run(() =>
        {
            RequestContext.Set("k", 1);
            var ctx = MessageContext.CopyCurrent();

            ctx.Run(RequestContext.Clear);

            Assert.Equal(1, RequestContext.Get("k"));
            Assert.Empty(ctx);
        });
    }

    [Fact]
    public void Set_SharesStoreWithTypedVars_BothInOneSnapshot()
    {
        var typed = new ContextVar<int>("typed");

        Ambient.Run(() =>
        {
            typed.Set(1);
            RequestContext.Set("string-key", "s");

            var ctx = MessageContext.CopyCurrent();
            Assert.Equal(2, ctx.Count);
            Assert.Equal("s", ctx.Lookup("string-key"));
            Assert.Equal(1, ctx[typed]);
        });
    }

    [Fact]
    public void Set_ManyKeysAcrossSnapshotBoundary_RemoveAndClearWork()
    {
        var typed = Enumerable.Range(0, 10).Select(i => new ContextVar<int>($"typed-{i}")).ToArray();

        Ambient.Run(() =>
        {
            for (var i = 0; i < typed.Length; i++)
            {
                typed[i].Set(i);
            }

            for (var i = 0; i < 30; i++)
            {
                RequestContext.Set($"key-{i}", i);
            }

            Assert.Equal(40, MessageContext.CopyCurrent().Count);
            Assert.Equal(30, RequestContext.Keys.Count);

            for (var i = 0; i < 25; i++)
            {
                Assert.True(RequestContext.Remove($"key-{i}"));
            }

            Assert.Equal(5, RequestContext.Keys.Count);
            Assert.Equal(29, RequestContext.Get("key-29"));
            Assert.Null(RequestContext.Get("key-0"));

            RequestContext.Clear();
            Assert.Empty(RequestContext.Keys);
            Assert.Equal(10, MessageContext.CopyCurrent().Count);
            Assert.All(typed.Select((v, i) => (v, i)), x => Assert.Equal(x.i, x.v.Get()));
        });
    }

    [Fact]
    public async Task Set_BeforeAwaitAndTaskRun_FlowsIntoThem()
    {
        await Ambient.RunAsync(async () =>
        {
            RequestContext.Set("flow", "yes");
            await Task.Yield();
            Assert.Equal("yes", RequestContext.Get("flow"));
            Assert.Equal("yes", await Task.Run(() => RequestContext.Get("flow")));
        });
    }

    [Fact]
    public async Task Set_InsideAsyncMethod_DoesNotFlowBackToCaller()
    {
        await Ambient.RunAsync(async () =>
        {
            RequestContext.Set("k", "caller");

            async Task ChangeAsync()
            {
                RequestContext.Set("k", "callee");
                RequestContext.Set("new", 1);
                await Task.Yield();
                RequestContext.Remove("k");
            }

            await ChangeAsync();
            Assert.Equal("caller", RequestContext.Get("k"));
            Assert.Null(RequestContext.Get("new"));
        });
    }

    [Fact]
    public async Task Set_InParallelFlows_EachFlowSeesOnlyItsOwnValue()
    {
        await Ambient.RunAsync(async () =>
        {
            RequestContext.Set("shared", "root");
            var tasks = Enumerable.Range(0, 50).Select(i => Task.Run(async () =>
            {
                RequestContext.Set("shared", i);
                await Task.Yield();
                Assert.Equal(i, RequestContext.Get("shared"));
                await Task.Delay(1);
                Assert.Equal(i, RequestContext.Get("shared"));
                Assert.True(RequestContext.Remove("shared"));
                Assert.Null(RequestContext.Get("shared"));
            }));

            await Task.WhenAll(tasks);
            Assert.Equal("root", RequestContext.Get("shared"));
        });
    }
}
