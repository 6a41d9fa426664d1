namespace ActorContext.Tests;

/// <summary>
/// CPython's <c>Lib/test/test_context.py</c> (the <c>test_context_run_*</c>, <c>test_context_getset_*</c>,
/// <c>test_context_copy_1</c> and mapping cases), ported as the reference for <see cref="MessageContext"/>'s semantics.
/// Python's <c>ctx.get(var)</c> is <c>TryGetValue</c>, <c>len(ctx)</c> is <c>Count</c>, <c>var in ctx</c> is
/// <c>ContainsKey</c>, <c>LookupError</c>/<c>KeyError</c> is <see cref="KeyNotFoundException"/>, <c>RuntimeError</c>
/// is <see cref="InvalidOperationException"/> and <c>ValueError</c> is <see cref="ArgumentException"/>.
/// </summary>
public class CPythonContextTests
{
    [Fact]
    public void ContextRun1_RunReturnsTheDelegatesResult()
    {
        var ctx = new MessageContext();
        Assert.Equal(42, ctx.Run(() => 42));
    }

    [Fact]
    public void ContextRun3_ExceptionPropagatesAndTheContextCanBeEnteredAgain()
    {
        var ctx = new MessageContext();
        Assert.Throws<DivideByZeroException>(() => ctx.Run(() => Divide(1, 0)));
        Assert.Equal(1, ctx.Run(() => Divide(1, 1)));
    }

    [Fact]
    public void ContextRun4_NestedRunsAndCopyCurrentInsideARun()
    {
        var ctx1 = new MessageContext();
        var ctx2 = new MessageContext();
        var var = new ContextVar<string>("var");

        Ambient.Run(() =>
        {
            var returned = ctx1.Run(() =>
            {
                Assert.Null(var.Get(null!));
                var.Set("spam");
                ctx2.Run(() => Assert.Null(var.Get(null!)));
                Assert.Equal("spam", var.Get(null!));

                var cur = MessageContext.CopyCurrent();
                Assert.Single(cur);
                Assert.Equal("spam", cur[var]);
                return cur;
            });

            Assert.Equal(ctx1, returned);
            Assert.Equal("spam", returned[var]);
            Assert.True(returned.ContainsKey(var));
        });
    }

    [Fact]
    public void ContextRun5_ChangesBeforeAnExceptionNeverReachTheCaller()
    {
        var ctx = new MessageContext();
        var var = new ContextVar<string>("var");

        Ambient.Run(() =>
        {
            Assert.Throws<DivideByZeroException>(() => ctx.Run(() =>
            {
                Assert.Null(var.Get(null!));
                var.Set("spam");
                Divide(1, 0);
            }));

            Assert.Null(var.Get(null!));
        });
    }

    [Fact]
    public void ContextRun6_TheContextShowsASetWhileItRuns()
    {
        var ctx = new MessageContext();
        var c = new ContextVar<int>("a", 0);

        ctx.Run(() =>
        {
            Assert.Equal(0, c.Get());
            Assert.False(ctx.TryGetValue(c, out _));
            c.Set(42);
            Assert.Equal(42, c.Get());
            Assert.True(ctx.TryGetValue(c, out var value));
            Assert.Equal(42, value);
        });
    }

    [Fact]
    public void ContextRun7_ReenteringWhileEnteredThrows()
    {
        var ctx = new MessageContext();
        var error = ctx.Run(() => Assert.Throws<InvalidOperationException>(() => ctx.Run(() => { })));
        Assert.Contains("already entered", error.Message);
    }

    [Fact]
    public void ContextGetSet1_TokensCopiesAndTheMapping()
    {
        var c = new ContextVar<string>("c");

        Ambient.Run(() =>
        {
            Assert.Throws<KeyNotFoundException>(() => c.Get());
            Assert.Null(c.Get(null!));

            var t0 = c.Set("42");
            Assert.Equal("42", c.Get());
            Assert.False(t0.HasOldValue);
            Assert.Same(c, t0.Var);

            var t = c.Set("spam");
            Assert.Equal("spam", c.Get());
            Assert.Equal("42", t.OldValue);
            c.Reset(t);
            Assert.Equal("42", c.Get());

            c.Set("spam2");
            Assert.Contains("already been used", Assert.Throws<InvalidOperationException>(() => c.Reset(t)).Message);
            Assert.Equal("spam2", c.Get());

            var ctx1 = MessageContext.CopyCurrent();
            Assert.True(ctx1.ContainsKey(c));

            c.Reset(t0);
            Assert.Throws<InvalidOperationException>(() => c.Reset(t0));
            Assert.Null(c.Get(null!));

            Assert.True(ctx1.ContainsKey(c));
            Assert.Equal("spam2", ctx1[c]);
            Assert.Single(ctx1);
            Assert.Equal([new KeyValuePair<IContextVar, object?>(c, "spam2")], ctx1.ToList());
            Assert.Equal(["spam2"], ctx1.Values);
            Assert.Equal([c], ctx1.Keys);

            var ctx2 = MessageContext.CopyCurrent();
            Assert.False(ctx2.ContainsKey(c));
            Assert.Throws<KeyNotFoundException>(() => ctx2[c]);
            Assert.Empty(ctx2);
            Assert.Empty(ctx2.Keys);
        });
    }

    [Fact]
    public void ContextGetSet2_ResetWithAnotherVarsTokenThrows()
    {
        var v1 = new ContextVar<int>("v1");
        var v2 = new ContextVar<int>("v2");

        Ambient.Run(() =>
        {
            var t1 = v1.Set(42);
            Assert.Contains("not by", Assert.Throws<ArgumentException>(() => v2.Reset(t1)).Message);
        });
    }

    [Fact]
    public void ContextGetSet3_KeysAndIndexerFollowSetAndResetInsideTheRun()
    {
        var c = new ContextVar<int>("c", 42);
        var ctx = new MessageContext();

        ctx.Run(() =>
        {
            Assert.Equal(42, c.Get());
            Assert.Throws<KeyNotFoundException>(() => ctx[c]);
            Assert.False(ctx.TryGetValue(c, out _));
            Assert.False(ctx.ContainsKey(c));
            Assert.Empty(ctx.Keys);

            var t = c.Set(1);
            Assert.Equal([c], ctx.Keys);
            Assert.Equal(1, ctx[c]);

            c.Reset(t);
            Assert.Empty(ctx.Keys);
            Assert.Throws<KeyNotFoundException>(() => ctx[c]);
        });
    }

    [Fact]
    public void ContextGetSet4_TokenFromARunCannotBeResetOutsideIt()
    {
        var c = new ContextVar<int>("c", 42);
        var ctx = new MessageContext();

        Ambient.Run(() =>
        {
            var token = ctx.Run(() => c.Set(1));
            Assert.Contains("different context", Assert.Throws<ArgumentException>(() => c.Reset(token)).Message);
        });
    }

    [Fact]
    public void ContextGetSet5_ARunOnACopyLeavesTheCallersValueAlone()
    {
        var c = new ContextVar<List<int>>("c", []);

        Ambient.Run(() =>
        {
            c.Set([]);
            MessageContext.CopyCurrent().Run(() =>
            {
                c.Set([]);
                c.Get().Add(42);
                Assert.Equal([42], c.Get());
            });

            Assert.Empty(c.Get());
        });
    }

    [Fact]
    public void ContextCopy1_ACopyTakenInsideARunHoldsTheLiveStateAndThenEvolvesApart()
    {
        var ctx1 = new MessageContext();
        var c = new ContextVar<int>("c", 42);

        ctx1.Run(() =>
        {
            c.Set(10);
            var ctx2 = ctx1.Copy();
            Assert.Equal(10, ctx2[c]);

            c.Set(20);
            Assert.Equal(20, ctx1[c]);
            Assert.Equal(10, ctx2[c]);

            ctx2.Run(() =>
            {
                Assert.Equal(10, c.Get());
                c.Set(30);
                Assert.Equal(30, c.Get());
            });

            Assert.Equal(20, ctx1[c]);
            Assert.Equal(30, ctx2[c]);
        });
    }

    [Fact]
    public void Mapping_EveryViewIsLiveWhileTheContextRuns()
    {
        var foo = new ContextVar<string>("foo");
        var other = new ContextVar<int>("other");
        var ctx = new MessageContext();
        ctx.Run(() => foo.Set("bar"));
        var before = ctx.Copy();

        ctx.Run(() =>
        {
            foo.Set("baz");
            other.Set(7);

            Assert.Equal("baz", foo.Get());
            Assert.Equal("baz", ctx[foo]);
            Assert.Equal("baz", ctx.Lookup("foo"));
            Assert.Equal(2, ctx.Count);
            Assert.Equal(2, ctx.Keys.Count());
            Assert.Contains("baz", ctx.Values);
            Assert.Equal(2, ctx.Count());
            Assert.True(ctx.TryGetValue(foo, out var value) && "baz".Equals(value));
            Assert.True(ctx.TryGetValue<string>(foo, out var typed) && typed == "baz");
            Assert.True(ctx.ContainsKey(other));
            Assert.NotEqual(before, ctx);
            Assert.Equal(MessageContext.CopyCurrent(), ctx);
            Assert.Equal(MessageContext.CopyCurrent().GetHashCode(), ctx.GetHashCode());
            Assert.Contains("foo=baz", ctx.ToString());
        });

        Assert.Equal("baz", ctx[foo]);
        Assert.Equal(7, ctx[other]);
    }

    [Fact]
    public async Task Mapping_ReadFromAnotherThreadWhileItRuns_ShowsTheEnteringFlowsChanges()
    {
        var foo = new ContextVar<string>("foo");
        var ctx = new MessageContext();
        ctx.Run(() => foo.Set("bar"));
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();

        var running = Task.Run(() => ctx.Run(() =>
        {
            foo.Set("baz");
            entered.Set();
            release.Wait(TimeSpan.FromSeconds(10));
        }));

        Assert.True(entered.Wait(TimeSpan.FromSeconds(10)));
        Ambient.Run(() => Assert.Equal("baz", ctx[foo]));
        release.Set();
        await running.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("baz", ctx[foo]);
    }

    private static int Divide(int a, int b) => a / b;
}
