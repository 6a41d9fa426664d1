using System.Collections;

namespace ActorContext.Tests;

public class MessageContextTests
{
    // ---- construction and copies -----------------------------------------------------------------------

    [Fact]
    public void Ctor_New_IsEmptyEvenWhenAmbientHasValues()
    {
        var var = new ContextVar<int>("v", 10);

        Ambient.Run(() =>
        {
            var.Set(1);
            var ctx = new MessageContext();

            Assert.Equal(0, CountOf(ctx));
            Assert.Empty(ctx);
            Assert.Empty(ctx.Keys);
            Assert.Empty(ctx.Values);
            Assert.False(ctx.ContainsKey(var));

            ctx.Run(() =>
            {
                Assert.False(var.TryGet(out _));
                Assert.Equal(10, var.Get());
            });
        });
    }

    [Fact]
    public void CopyCurrent_NothingSet_IsEmpty()
    {
        Ambient.Run(() => Assert.Equal(0, CountOf(MessageContext.CopyCurrent())));
    }

    [Fact]
    public void CopyCurrent_AmbientValues_AreInTheCopy()
    {
        var a = new ContextVar<string>("a");
        var b = new ContextVar<int>("b");

        Ambient.Run(() =>
        {
            a.Set("x");
            b.Set(2);

            var ctx = MessageContext.CopyCurrent();
            Assert.Equal(2, ctx.Count);
            Assert.Equal("x", ctx[a]);
            Assert.Equal(2, ctx[b]);
            ctx.Run(() =>
            {
                Assert.Equal("x", a.Get());
                Assert.Equal(2, b.Get());
            });
        });
    }

    [Fact]
    public void CopyCurrent_AmbientChangesAfterCopy_AreNotSeenByCopy()
    {
        var var = new ContextVar<string>("v");
        var added = new ContextVar<string>("added");

        Ambient.Run(() =>
        {
            var token = var.Set("old");
            var ctx = MessageContext.CopyCurrent();

            var.Set("new");
            added.Set("extra");
            Assert.Equal("old", ctx[var]);
            Assert.False(ctx.ContainsKey(added));

            var.Reset(token);
            Assert.True(ctx.ContainsKey(var));
            Assert.Equal(1, CountOf(ctx));
        });
    }

    [Fact]
    public void CopyCurrent_ChangesInsideCopy_DoNotReachAmbient()
    {
        var var = new ContextVar<string>("v");
        var added = new ContextVar<string>("added");

        Ambient.Run(() =>
        {
            var.Set("ambient");
            var ctx = MessageContext.CopyCurrent();

            ctx.Run(() =>
            {
                var.Set("in-copy");
                added.Set("only-in-copy");
            });

            Assert.Equal("ambient", var.Get());
            Assert.False(added.TryGet(out _));
            Assert.Equal("in-copy", ctx[var]);
        });
    }

    [Fact]
    public void CopyCurrent_InsideRun_CopiesThatContext()
    {
        var var = new ContextVar<int>("v");
        var ctx = new MessageContext();

        var copy = ctx.Run(() =>
        {
            var.Set(3);
            return MessageContext.CopyCurrent();
        });

        Assert.Equal(3, copy[var]);
        ContextAssert.Equal(ctx, copy);
        Assert.NotSame(ctx, copy);
    }

    [Fact]
    public void Copy_ChangesInOriginal_AreNotSeenByCopy()
    {
        var var = new ContextVar<int>("v");
        var original = new MessageContext();
        original.Run(() => var.Set(1));

        var copy = original.Copy();
        original.Run(() => var.Set(2));

        Assert.Equal(1, copy[var]);
        Assert.Equal(2, original[var]);
    }

    [Fact]
    public void Copy_ChangesInCopy_AreNotSeenByOriginal()
    {
        var var = new ContextVar<int>("v");
        var other = new ContextVar<int>("other");
        var original = new MessageContext();
        original.Run(() => var.Set(1));

        var copy = original.Copy();
        copy.Run(() =>
        {
            var.Set(2);
            other.Set(3);
        });

        Assert.Equal(1, original[var]);
        Assert.False(original.ContainsKey(other));
        Assert.Equal(2, copy[var]);
        Assert.Equal(3, copy[other]);
    }

    [Fact]
    public void Copy_Fresh_EqualsOriginalButIsAnotherInstance()
    {
        var var = new ContextVar<string>("v");
        var original = new MessageContext();
        original.Run(() => var.Set("x"));

        var copy = original.Copy();

        Assert.NotSame(original, copy);
        ContextAssert.Equal(original, copy);
        Assert.Equal(original.GetHashCode(), copy.GetHashCode());
    }

    // ---- Run ------------------------------------------------------------------------------------------

    [Fact]
    public void Run_SetInside_VisibleThroughIndexerAndInLaterRuns()
    {
        var var = new ContextVar<string>("v");
        var ctx = new MessageContext();

        ctx.Run(() => var.Set("x"));

        Assert.Equal("x", ctx[var]);
        Assert.Equal("x", ctx.Run(() => var.Get()));
    }

    [Fact]
    public void Run_SetInside_NeverReachesCallerContext()
    {
        var var = new ContextVar<string>("v", "dflt");

        Ambient.Run(() =>
        {
            var.Set("caller");
            var ctx = new MessageContext();
            ctx.Run(() => var.Set("inside"));

            Assert.Equal("caller", var.Get());

            var emptyCaller = new ContextVar<int>("never-set-outside");
            ctx.Run(() => emptyCaller.Set(1));
            Assert.False(emptyCaller.TryGet(out _));
        });
    }

    [Fact]
    public void Run_DelegateThrows_ExceptionPropagatesUnchangedAndChangesStayInContext()
    {
        var var = new ContextVar<string>("v");

        Ambient.Run(() =>
        {
            var.Set("caller");
            var ctx = new MessageContext();
            var thrown = new FormatException("bad");

            var caught = Assert.Throws<FormatException>(() => ctx.Run(() =>
            {
                var.Set("inside");
                throw thrown;
            }));

            Assert.Same(thrown, caught);
            Assert.Equal("caller", var.Get());
            Assert.Equal("inside", ctx[var]);
        });
    }

    [Fact]
    public void Run_FuncThrows_ExceptionPropagatesAndContextCanBeEnteredAgain()
    {
        var var = new ContextVar<int>("v");
        var ctx = new MessageContext();

        Assert.Throws<DivideByZeroException>(() => ctx.Run<int>(() =>
        {
            var.Set(1);
            throw new DivideByZeroException();
        }));

        Assert.Equal(1, ctx.Run(() => var.Get()));
    }

    [Fact]
    public void Run_Func_ReturnsTheDelegateResult()
    {
        var ctx = new MessageContext();

        Assert.Equal("result", ctx.Run(() => "result"));
        Assert.Equal(42, ctx.Run(() => 42));
    }

    [Fact]
    public void Run_NullDelegate_ThrowsArgumentNullException()
    {
        var ctx = new MessageContext();

        Assert.Throws<ArgumentNullException>(() => ctx.Run(null!));
        Assert.Throws<ArgumentNullException>(() => ctx.Run<int>(null!));
    }

    [Fact]
    public void Run_Returns_CallerValuesAreCurrentAgain()
    {
        var var = new ContextVar<int>("v");

        Ambient.Run(() =>
        {
            var.Set(1);
            var ctx = new MessageContext();
            ctx.Run(() => Assert.False(var.TryGet(out _)));
            Assert.Equal(1, var.Get());
        });
    }

    [Fact]
    public void Run_NestedDifferentContexts_EachSeesOnlyItsOwnValues()
    {
        var var = new ContextVar<string>("v");
        var outer = new MessageContext();
        var inner = new MessageContext();
        inner.Run(() => var.Set("inner"));

        outer.Run(() =>
        {
            var.Set("outer");
            inner.Run(() =>
            {
                Assert.Equal("inner", var.Get());
                var.Set("inner-2");
            });
            Assert.Equal("outer", var.Get());
        });

        Assert.Equal("outer", outer[var]);
        Assert.Equal("inner-2", inner[var]);
    }

    [Fact]
    public void Run_ReenteredOnSameThread_ThrowsInvalidOperationAndOuterRunContinues()
    {
        var var = new ContextVar<int>("v");
        var ctx = new MessageContext();
        var innerRan = false;

        ctx.Run(() =>
        {
            var.Set(1);
            Assert.Throws<InvalidOperationException>(() => ctx.Run(() => innerRan = true));
            Assert.Throws<InvalidOperationException>(() => ctx.Run(() => 0));
            Assert.Equal(1, var.Get());
            var.Set(2);
        });

        Assert.False(innerRan);
        Assert.Equal(2, ctx[var]);
        ctx.Run(() => Assert.Equal(2, var.Get())); // not left marked as entered
    }

    [Fact]
    public void Run_ReenteredThroughNestedContext_ThrowsInvalidOperation()
    {
        var outer = new MessageContext();
        var middle = new MessageContext();

        outer.Run(() => middle.Run(() => Assert.Throws<InvalidOperationException>(() => outer.Run(() => { }))));
    }

    [Fact]
    public void Run_EnteredOnAnotherThread_ThrowsInvalidOperation()
    {
        var var = new ContextVar<string>("v");
        var ctx = new MessageContext();
        using var entered = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();

        var holder = new Thread(() => ctx.Run(() =>
        {
            var.Set("holder");
            entered.Set();
            release.Wait(TimeSpan.FromSeconds(30));
        }));
        holder.Start();
        try
        {
            Assert.True(entered.Wait(TimeSpan.FromSeconds(30)));
            var secondRan = false;
            Assert.Throws<InvalidOperationException>(() => ctx.Run(() => secondRan = true));
            Assert.Throws<InvalidOperationException>(() => ctx.Run(() => var.Set("intruder")));
            Assert.False(secondRan);
        }
        finally
        {
            release.Set();
            Assert.True(holder.Join(TimeSpan.FromSeconds(30)));
        }

        Assert.Equal("holder", ctx[var]);
        ctx.Run(() => var.Set("after")); // free again once the holder left
        Assert.Equal("after", ctx[var]);
    }

    [Fact]
    public void Run_ReenteredFromTaskStartedInside_ThrowsInvalidOperation()
    {
        var ctx = new MessageContext();

        ctx.Run(() =>
        {
            var attempt = Task.Run(() => ctx.Run(() => { }));
            Assert.Throws<InvalidOperationException>(() => attempt.GetAwaiter().GetResult());
        });
    }

    [Fact]
    public void Run_CopiesOfOneContextOnManyThreads_RunConcurrentlyWithoutInterference()
    {
        var var = new ContextVar<int>("v");
        var origin = new MessageContext();
        origin.Run(() => var.Set(-1));
        var copies = Enumerable.Range(0, 8).Select(_ => origin.Copy()).ToArray();
        using var barrier = new Barrier(copies.Length);

        Ambient.RunThreads(copies.Select((ctx, i) => (Action)(() => ctx.Run(() =>
        {
            Assert.Equal(-1, var.Get());
            var.Set(i);
            barrier.SignalAndWait(TimeSpan.FromSeconds(30));
            for (var n = 0; n < 1_000; n++)
            {
                Assert.Equal(i, var.Get());
                var.Set(i);
            }
        }))));

        for (var i = 0; i < copies.Length; i++)
        {
            Assert.Equal(i, copies[i][var]);
        }

        Assert.Equal(-1, origin[var]);
    }

    // ---- mapping view ------------------------------------------------------------------------------------

    [Fact]
    public void Indexer_NoValue_ThrowsKeyNotFoundEvenWhenVarHasDefault()
    {
        var withDefault = new ContextVar<int>("has-default", 5);
        var withoutDefault = new ContextVar<int>("no-default");
        var ctx = new MessageContext();

        var e = Assert.Throws<KeyNotFoundException>(() => ctx[withDefault]);
        Assert.Contains("has-default", e.Message);
        Assert.Throws<KeyNotFoundException>(() => ctx[withoutDefault]);
    }

    [Fact]
    public void Indexer_NullValue_ReturnsNull()
    {
        var var = new ContextVar<string?>("v");
        var ctx = new MessageContext();
        ctx.Run(() => var.Set(null));

        Assert.Null(ctx[var]);
        Assert.True(ctx.ContainsKey(var));
        Assert.Equal(1, CountOf(ctx));
    }

    [Fact]
    public void Indexer_ValueTypeValue_ReturnsBoxedValue()
    {
        var var = new ContextVar<int>("v");
        var ctx = new MessageContext();
        ctx.Run(() => var.Set(12));

        Assert.Equal(12, Assert.IsType<int>(ctx[var]));
    }

    [Fact]
    public void ContainsKey_ValueAndDefaultOnly_TrueOnlyForValue()
    {
        var set = new ContextVar<int>("set");
        var defaultOnly = new ContextVar<int>("default-only", 3);
        var ctx = new MessageContext();
        ctx.Run(() => set.Set(1));

        Assert.True(ctx.ContainsKey(set));
        Assert.False(ctx.ContainsKey(defaultOnly));
    }

    [Fact]
    public void TryGetValue_UntypedKey_ReturnsValueOrFalse()
    {
        var set = new ContextVar<string>("set");
        var unset = new ContextVar<string>("unset", "d");
        var ctx = new MessageContext();
        ctx.Run(() => set.Set("x"));

        Assert.True(ctx.TryGetValue((IContextVar)set, out var value));
        Assert.Equal("x", value);
        Assert.False(ctx.TryGetValue((IContextVar)unset, out value));
        Assert.Null(value);
    }

    [Fact]
    public void TryGetValue_TypedVar_ReturnsTypedValueOrFalse()
    {
        var set = new ContextVar<int>("set");
        var unset = new ContextVar<int>("unset", 8);
        var ctx = new MessageContext();
        ctx.Run(() => set.Set(4));

        Assert.True(ctx.TryGetValue(set, out int value));
        Assert.Equal(4, value);
        Assert.False(ctx.TryGetValue(unset, out value));
        Assert.Equal(0, value);
    }

    [Fact]
    public void Mapping_NullKeys_ThrowArgumentNullException()
    {
        var ctx = new MessageContext();

        Assert.Throws<ArgumentNullException>(() => ctx[null!]);
        Assert.Throws<ArgumentNullException>(() => ctx.ContainsKey(null!));
        Assert.Throws<ArgumentNullException>(() => ctx.TryGetValue((IContextVar)null!, out _));
        Assert.Throws<ArgumentNullException>(() => ctx.TryGetValue((ContextVar<int>)null!, out _));
        Assert.Throws<ArgumentNullException>(() => ctx.Lookup(null!));
    }

    [Fact]
    public void Count_SetsAndResetsInside_TracksEntries()
    {
        var a = new ContextVar<int>("a");
        var b = new ContextVar<int>("b");
        var ctx = new MessageContext();

        var ta = ctx.Run(() => a.Set(1));
        Assert.Equal(1, CountOf(ctx));
        ctx.Run(() => b.Set(2));
        Assert.Equal(2, ctx.Count);
        ctx.Run(() => a.Set(3)); // overwrite: no new entry
        Assert.Equal(2, ctx.Count);
        ctx.Run(() => a.Reset(ta));
        Assert.Equal(1, CountOf(ctx));
        Assert.False(ctx.ContainsKey(a));
    }

    [Theory]
    [InlineData(3)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(100)]
    public void Enumeration_KeysValuesAndPairs_AgreeWithIndexer(int count)
    {
        var vars = Enumerable.Range(0, count).Select(i => new ContextVar<int>($"v{i}")).ToArray();
        var ctx = new MessageContext();
        ctx.Run(() =>
        {
            for (var i = 0; i < count; i++)
            {
                vars[i].Set(i * 2);
            }
        });

        var pairs = ctx.ToList();
        Assert.Equal(count, pairs.Count);
        Assert.True(pairs.Select(p => p.Key).ToHashSet().SetEquals(vars), "keys differ from the vars set");
        Assert.All(pairs, p => Assert.Equal(ctx[p.Key], p.Value));
        Assert.All(pairs, p => Assert.Equal(2 * Array.IndexOf(vars, p.Key), p.Value));

        Assert.Equal(pairs.Select(p => p.Key), ctx.Keys);
        Assert.Equal(pairs.Select(p => p.Value), ctx.Values);

        var untyped = new List<object>();
        foreach (var item in (IEnumerable)ctx)
        {
            untyped.Add(item);
        }

        Assert.Equal(count, untyped.Count);
    }

    [Fact]
    public void IReadOnlyDictionary_ViewOfContext_ExposesSameEntries()
    {
        var var = new ContextVar<string>("v");
        var ctx = new MessageContext();
        ctx.Run(() => var.Set("x"));

        IReadOnlyDictionary<IContextVar, object?> dict = ctx;
        Assert.Single(dict);
        Assert.Equal("x", dict[var]);
        Assert.True(dict.ContainsKey(var));
        Assert.Equal(new IContextVar[] { var }, dict.Keys);
        Assert.Equal(new object?[] { "x" }, dict.Values);
    }

    // ---- Lookup ---------------------------------------------------------------------------------------------

    [Fact]
    public void Lookup_NameOfVarWithValue_ReturnsValue()
    {
        var name = new ContextVar<string>("name");
        var count = new ContextVar<int>("count");
        var ctx = new MessageContext();
        ctx.Run(() =>
        {
            name.Set("Dina");
            count.Set(3);
        });

        Assert.Equal("Dina", ctx.Lookup("name"));
        Assert.Equal(3, ctx.Lookup("count"));
    }

    [Fact]
    public void Lookup_UnknownName_ReturnsNull()
    {
        var name = new ContextVar<string>("name");
        var ctx = new MessageContext();
        ctx.Run(() => name.Set("Dina"));

        Assert.Null(ctx.Lookup("missing"));
        Assert.Null(ctx.Lookup("NAME")); // names are compared ordinally
        Assert.Null(new MessageContext().Lookup("name"));
    }

    [Fact]
    public void Lookup_VarWithDefaultButNoValue_ReturnsNull()
    {
        var var = new ContextVar<string>("with-default", "d");

        Assert.Null(new MessageContext().Lookup("with-default"));
    }

    [Fact]
    public void Lookup_AfterValueReset_ReturnsNull()
    {
        var var = new ContextVar<string>("gone");
        var ctx = new MessageContext();
        ctx.Run(() => var.Reset(var.Set("x")));

        Assert.Null(ctx.Lookup("gone"));
    }

    [Fact]
    public void Lookup_LargeContext_FindsVarPastTheBoundary()
    {
        var vars = Enumerable.Range(0, 40).Select(i => new ContextVar<int>($"var-{i}")).ToArray();
        var ctx = new MessageContext();
        ctx.Run(() =>
        {
            foreach (var (v, i) in vars.Select((v, i) => (v, i)))
            {
                v.Set(i);
            }
        });

        Assert.Equal(0, ctx.Lookup("var-0"));
        Assert.Equal(39, ctx.Lookup("var-39"));
        Assert.Null(ctx.Lookup("var-40"));
    }

    // ---- equality ----------------------------------------------------------------------------------------

    [Fact]
    public void Equals_TwoEmptyContexts_AreEqualWithSameHash()
    {
        var a = new MessageContext();
        var b = new MessageContext();

        Assert.True(a.Equals(b));
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
    }

    [Fact]
    public void Equals_SameVarsSameValuesSetSeparately_AreEqualWithSameHash()
    {
        var name = new ContextVar<string>("name");
        var count = new ContextVar<int>("count");
        var a = new MessageContext();
        var b = new MessageContext();

        a.Run(() =>
        {
            name.Set("x");
            count.Set(1000);
        });
        b.Run(() =>
        {
            count.Set(1000); // different order, separately boxed
            name.Set(new string('x', 1)); // equal, not the same string instance
        });

        ContextAssert.Equal(a, b);
        Assert.True(a.Equals((object)b));
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
    }

    [Fact]
    public void Equals_DifferentValue_AreNotEqual()
    {
        var var = new ContextVar<int>("v");
        var a = new MessageContext();
        var b = new MessageContext();
        a.Run(() => var.Set(1));
        b.Run(() => var.Set(2));

        ContextAssert.NotEqual(a, b);
    }

    [Fact]
    public void Equals_SameNameDifferentVar_AreNotEqual()
    {
        var first = new ContextVar<int>("same");
        var second = new ContextVar<int>("same");
        var a = new MessageContext();
        var b = new MessageContext();
        a.Run(() => first.Set(1));
        b.Run(() => second.Set(1));

        ContextAssert.NotEqual(a, b);
    }

    [Fact]
    public void Equals_SubsetOfEntries_AreNotEqualEitherWay()
    {
        var x = new ContextVar<int>("x");
        var y = new ContextVar<int>("y");
        var small = new MessageContext();
        small.Run(() => x.Set(1));
        var big = small.Copy();
        big.Run(() => y.Set(2));

        ContextAssert.NotEqual(small, big);
        ContextAssert.NotEqual(big, small);
    }

    [Fact]
    public void Equals_NullValuesOnBothSides_AreEqual()
    {
        var var = new ContextVar<string?>("v");
        var a = new MessageContext();
        var b = new MessageContext();
        a.Run(() => var.Set(null));
        b.Run(() => var.Set(null));

        ContextAssert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        ContextAssert.NotEqual(a, new MessageContext());
    }

    [Fact]
    public void Equals_NullOrOtherType_IsFalse()
    {
        var ctx = new MessageContext();

        Assert.False(ctx.Equals(null));
        Assert.False(ctx.Equals("not a context"));
        Assert.True(ctx.Equals(ctx));
    }

    [Fact]
    public void Equals_AfterRunChangesContents_FollowsContents()
    {
        var var = new ContextVar<int>("v");
        var a = new MessageContext();
        var b = new MessageContext();
        a.Run(() => var.Set(1));
        ContextAssert.NotEqual(a, b);

        b.Run(() => var.Set(1));
        ContextAssert.Equal(a, b);
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
    }

    [Fact]
    public void Equals_FlatAndHashedStorageWithSameEntries_AreEqualWithSameHash()
    {
        var vars = Enumerable.Range(0, 17).Select(i => new ContextVar<int>($"v{i}")).ToArray();

        // 16 entries held in the flat array.
        var flat = new MessageContext();
        flat.Run(() =>
        {
            for (var i = 0; i < 16; i++)
            {
                vars[i].Set(i);
            }
        });

        // The same 16 entries, reached by growing to 17 (hash map) and resetting the 17th away.
        var grown = new MessageContext();
        grown.Run(() =>
        {
            for (var i = 15; i >= 0; i--)
            {
                vars[i].Set(i);
            }

            var t17 = vars[16].Set(16);
            Assert.False(t17.HasOldValue);
            vars[16].Reset(t17);
        });

        Assert.Equal(16, grown.Count);
        Assert.False(grown.ContainsKey(vars[16]));
        ContextAssert.Equal(flat, grown);
        ContextAssert.Equal(grown, flat);
        Assert.Equal(flat.GetHashCode(), grown.GetHashCode());

        grown.Run(() => vars[3].Set(-3));
        ContextAssert.NotEqual(flat, grown);
        ContextAssert.NotEqual(grown, flat);
    }

    [Fact]
    public void GetHashCode_ContentsUnchanged_IsStable()
    {
        var var = new ContextVar<string>("v");
        var ctx = new MessageContext();
        ctx.Run(() => var.Set("x"));
        var first = ctx.GetHashCode();

        ctx.Run(() => var.Get());

        Assert.Equal(first, ctx.GetHashCode());
    }

    // Reads the Count property itself (xunit's analyzer would rewrite Assert.Equal(1, ctx.Count) to enumerate).
    private static int CountOf(MessageContext ctx) => ctx.Count;

    [Fact]
    public void ToString_WithEntries_ListsNameValuePairs()
    {
        var var = new ContextVar<int>("answer");
        var ctx = new MessageContext();
        ctx.Run(() => var.Set(42));

        Assert.Contains("answer=42", ctx.ToString());
    }
}
