namespace ActorContext.Tests;

public class ContextVarTests
{
    // ---- declaration -------------------------------------------------------------------------------

    [Fact]
    public void Ctor_NameOnly_ExposesNameValueTypeAndNoDefault()
    {
        var var = new ContextVar<int>("answer");

        IContextVar view = var;
        Assert.Equal("answer", view.Name);
        Assert.Equal(typeof(int), view.ValueType);
        Assert.False(view.HasDefault);
    }

    [Fact]
    public void Ctor_WithDefault_HasDefaultIsTrue()
    {
        var var = new ContextVar<string>("greeting", "hi");

        IContextVar view = var;
        Assert.Equal("greeting", view.Name);
        Assert.Equal(typeof(string), view.ValueType);
        Assert.True(view.HasDefault);
    }

    [Fact]
    public void Ctor_DefaultIsTypeDefault_StillCountsAsDefault()
    {
        var var = new ContextVar<int>("zero", 0);

        Assert.True(var.HasDefault);
        Ambient.Run(() => Assert.Equal(0, var.Get()));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void Ctor_NullEmptyOrWhiteSpaceName_ThrowsArgumentException(string? name)
    {
        Assert.ThrowsAny<ArgumentException>(() => new ContextVar<int>(name!));
        Assert.ThrowsAny<ArgumentException>(() => new ContextVar<int>(name!, 1));
    }

    [Fact]
    public void ToString_Always_NamesTheVar()
    {
        Assert.Contains("request-id", new ContextVar<string>("request-id").ToString());
    }

    // ---- Get / Get(fallback) / TryGet --------------------------------------------------------------

    [Fact]
    public void Get_NoValueAndNoDefault_ThrowsKeyNotFoundNamingTheVar()
    {
        var var = new ContextVar<string>("tenant-xyz");

        Ambient.Run(() =>
        {
            var e = Assert.Throws<KeyNotFoundException>(() => var.Get());
            Assert.Contains("tenant-xyz", e.Message);
        });
    }

    [Fact]
    public void Get_NoValueWithDefault_ReturnsDefault()
    {
        var var = new ContextVar<string>("lang", "en");

        Ambient.Run(() => Assert.Equal("en", var.Get()));
    }

    [Fact]
    public void Get_ValueSet_ReturnsValueNotDefault()
    {
        var var = new ContextVar<string>("lang", "en");

        Ambient.Run(() =>
        {
            var.Set("fr");
            Assert.Equal("fr", var.Get());
        });
    }

    [Fact]
    public void GetFallback_NoValue_ReturnsFallbackNotDefault()
    {
        var withDefault = new ContextVar<string>("lang", "en");
        var withoutDefault = new ContextVar<string>("user");

        Ambient.Run(() =>
        {
            Assert.Equal("de", withDefault.Get("de"));
            Assert.Equal("nobody", withoutDefault.Get("nobody"));
        });
    }

    [Fact]
    public void GetFallback_ValueSet_ReturnsValue()
    {
        var var = new ContextVar<int>("n", 1);

        Ambient.Run(() =>
        {
            var.Set(7);
            Assert.Equal(7, var.Get(99));
        });
    }

    [Fact]
    public void TryGet_NoValueButDefault_ReturnsFalse()
    {
        var var = new ContextVar<int>("n", 5);

        Ambient.Run(() =>
        {
            Assert.False(var.TryGet(out var value));
            Assert.Equal(default, value);
        });
    }

    [Fact]
    public void TryGet_ValueSet_ReturnsTrueAndValue()
    {
        var var = new ContextVar<int>("n");

        Ambient.Run(() =>
        {
            var.Set(42);
            Assert.True(var.TryGet(out var value));
            Assert.Equal(42, value);
        });
    }

    [Fact]
    public void Set_NullValue_IsAValueNotAbsence()
    {
        var var = new ContextVar<string?>("maybe", "default");

        Ambient.Run(() =>
        {
            var token = var.Set(null);
            Assert.True(var.TryGet(out var value));
            Assert.Null(value);
            Assert.Null(var.Get());
            Assert.Null(var.Get("fallback"));

            var second = var.Set("x");
            Assert.True(second.HasOldValue);
            Assert.Null(second.OldValue);

            var.Reset(second);
            Assert.True(var.TryGet(out value));
            Assert.Null(value);
            var.Reset(token);
            Assert.False(var.TryGet(out _));
        });
    }

    [Fact]
    public void Set_NullableValueTypeNull_RoundTrips()
    {
        var var = new ContextVar<int?>("maybe-int", 3);

        Ambient.Run(() =>
        {
            var.Set(null);
            Assert.True(var.TryGet(out var value));
            Assert.Null(value);
        });
    }

    [Fact]
    public void Set_Twice_LastValueWins()
    {
        var var = new ContextVar<string>("v");

        Ambient.Run(() =>
        {
            var.Set("a");
            var.Set("b");
            Assert.Equal("b", var.Get());
        });
    }

    [Fact]
    public void Set_TwoVarsWithSameName_AreDifferentKeys()
    {
        var first = new ContextVar<string>("same");
        var second = new ContextVar<string>("same");

        Ambient.Run(() =>
        {
            first.Set("one");
            Assert.False(second.TryGet(out _));

            second.Set("two");
            Assert.Equal("one", first.Get());
            Assert.Equal("two", second.Get());

            var ctx = MessageContext.CopyCurrent();
            Assert.Equal(2, ctx.Count);
            Assert.Equal("one", ctx[first]);
            Assert.Equal("two", ctx[second]);
        });
    }

    [Fact]
    public void Set_VarsOfDifferentTypes_CoexistInOneContext()
    {
        var text = new ContextVar<string>("text");
        var number = new ContextVar<int>("number");
        var guid = new ContextVar<Guid>("guid");
        var id = Guid.NewGuid();

        Ambient.Run(() =>
        {
            text.Set("t");
            number.Set(3);
            guid.Set(id);
            Assert.Equal("t", text.Get());
            Assert.Equal(3, number.Get());
            Assert.Equal(id, guid.Get());
        });
    }

    // ---- Reset: the happy paths ----------------------------------------------------------------------

    [Fact]
    public void Reset_TokenWithOldValue_RestoresOldValue()
    {
        var var = new ContextVar<string>("v");

        Ambient.Run(() =>
        {
            var.Set("old");
            var token = var.Set("new");
            var.Reset(token);
            Assert.Equal("old", var.Get());
        });
    }

    [Fact]
    public void Reset_TokenWithoutOldValue_RemovesValueEvenWhenVarHasDefault()
    {
        var var = new ContextVar<string>("v", "dflt");

        Ambient.Run(() =>
        {
            var token = var.Set("new");
            var.Reset(token);

            Assert.False(var.TryGet(out _));
            Assert.Equal("dflt", var.Get());
            Assert.False(MessageContext.CopyCurrent().ContainsKey(var));
            Assert.Empty(MessageContext.CopyCurrent());
        });
    }

    [Fact]
    public void Reset_StackOrder_UnwindsEachValue()
    {
        var var = new ContextVar<int>("v");

        Ambient.Run(() =>
        {
            var t1 = var.Set(1);
            var t2 = var.Set(2);
            var t3 = var.Set(3);

            var.Reset(t3);
            Assert.Equal(2, var.Get());
            var.Reset(t2);
            Assert.Equal(1, var.Get());
            var.Reset(t1);
            Assert.False(var.TryGet(out _));
        });
    }

    [Fact]
    public void Reset_OutOfOrder_EachTokenRestoresWhatItsSetReplaced()
    {
        var var = new ContextVar<string>("foo");

        Ambient.Run(() =>
        {
            var t1 = var.Set("bar");
            var t2 = var.Set("baz");

            var.Reset(t1); // Python: the var had no value before t1's set
            Assert.False(var.TryGet(out _));

            var.Reset(t2); // Python: puts back "bar", the value t2's set replaced
            Assert.Equal("bar", var.Get());
        });
    }

    [Fact]
    public void Reset_OneVar_LeavesOtherVarsAlone()
    {
        var a = new ContextVar<int>("a");
        var b = new ContextVar<int>("b");

        Ambient.Run(() =>
        {
            a.Set(1);
            var tb = b.Set(2);
            a.Set(3);

            b.Reset(tb);
            Assert.Equal(3, a.Get());
            Assert.False(b.TryGet(out _));
        });
    }

    [Fact]
    public void Reset_NullToken_ThrowsArgumentNullException()
    {
        var var = new ContextVar<int>("v");

        Assert.Throws<ArgumentNullException>(() => var.Reset(null!));
    }

    [Fact]
    public void Reset_InLaterRunOfSameMessageContext_Succeeds()
    {
        var var = new ContextVar<int>("v");
        var ctx = new MessageContext();

        var token = ctx.Run(() =>
        {
            var.Set(1);
            return var.Set(2);
        });

        ctx.Run(() => var.Reset(token));

        Assert.Equal(1, ctx[var]);
    }

    // ---- Reset: errors, their order, and that a failed reset changes nothing -------------------------

    [Fact]
    public void Reset_TokenAlreadyUsed_ThrowsInvalidOperationAndChangesNothing()
    {
        var var = new ContextVar<string>("v");

        Ambient.Run(() =>
        {
            var token = var.Set("a");
            var.Reset(token);
            var.Set("b");

            Assert.Throws<InvalidOperationException>(() => var.Reset(token));
            Assert.Equal("b", var.Get());
        });
    }

    [Fact]
    public void Reset_TokenFromAnotherVar_ThrowsArgumentExceptionAndChangesNothing()
    {
        var a = new ContextVar<int>("var-a");
        var b = new ContextVar<int>("var-b");

        Ambient.Run(() =>
        {
            var ta = a.Set(1);
            b.Set(2);

            var e = Assert.Throws<ArgumentException>(() => b.Reset(ta));
            Assert.Equal("token", e.ParamName);
            Assert.Equal(1, a.Get());
            Assert.Equal(2, b.Get());

            // The token was not consumed: its own var can still use it.
            a.Reset(ta);
            Assert.False(a.TryGet(out _));
        });
    }

    [Fact]
    public void Reset_AmbientTokenInsideMessageContext_ThrowsArgumentExceptionAndChangesNothing()
    {
        var var = new ContextVar<int>("v");

        Ambient.Run(() =>
        {
            var token = var.Set(1);
            var ctx = MessageContext.CopyCurrent();

            ctx.Run(() =>
            {
                var.Set(5);
                Assert.Throws<ArgumentException>(() => var.Reset(token));
                Assert.Equal(5, var.Get());
            });

            Assert.Equal(5, ctx[var]);
            Assert.Equal(1, var.Get());

            // Still unused: the right context can reset it.
            var.Reset(token);
            Assert.False(var.TryGet(out _));
        });
    }

    [Fact]
    public void Reset_MessageContextTokenOutsideIt_ThrowsArgumentExceptionAndChangesNothing()
    {
        var var = new ContextVar<int>("v");
        var ctx = new MessageContext();
        var token = ctx.Run(() => var.Set(1));

        Ambient.Run(() =>
        {
            var.Set(9);
            Assert.Throws<ArgumentException>(() => var.Reset(token));
            Assert.Equal(9, var.Get());
        });

        Assert.Equal(1, ctx[var]);
        ctx.Run(() => var.Reset(token));
        Assert.False(ctx.ContainsKey(var));
    }

    [Fact]
    public void Reset_TokenFromCopyOfContext_ThrowsArgumentException()
    {
        var var = new ContextVar<int>("v");
        var ctx = new MessageContext();
        var token = ctx.Run(() => var.Set(1));
        var copy = ctx.Copy();

        copy.Run(() => Assert.Throws<ArgumentException>(() => var.Reset(token)));

        Assert.Equal(1, copy[var]);
        Assert.Equal(1, ctx[var]);
    }

    [Fact]
    public void Reset_TokenFromAnotherMessageContext_ThrowsArgumentException()
    {
        var var = new ContextVar<int>("v");
        var first = new MessageContext();
        var second = new MessageContext();
        var token = first.Run(() => var.Set(1));

        second.Run(() =>
        {
            Assert.Throws<ArgumentException>(() => var.Reset(token));
            Assert.False(var.TryGet(out _));
        });

        Assert.False(second.ContainsKey(var));
        Assert.Equal(1, first[var]);
    }

    [Fact]
    public void Reset_UsedTokenFromAnotherVar_ThrowsInvalidOperationFirst()
    {
        var a = new ContextVar<int>("a");
        var b = new ContextVar<int>("b");

        Ambient.Run(() =>
        {
            var ta = a.Set(1);
            a.Reset(ta);
            b.Set(2);

            Assert.Throws<InvalidOperationException>(() => b.Reset(ta));
            Assert.Equal(2, b.Get());
        });
    }

    [Fact]
    public void Reset_UsedTokenInAnotherContext_ThrowsInvalidOperationFirst()
    {
        var var = new ContextVar<int>("v");

        Ambient.Run(() =>
        {
            var token = var.Set(1);
            var.Reset(token);

            new MessageContext().Run(() =>
            {
                var.Set(3);
                Assert.Throws<InvalidOperationException>(() => var.Reset(token));
                Assert.Equal(3, var.Get());
            });
        });
    }

    [Fact]
    public void Reset_TokenFromAnotherVarAndAnotherContext_ReportsTheVarMismatchFirst()
    {
        var a = new ContextVar<int>("first-var");
        var b = new ContextVar<int>("second-var");

        Ambient.Run(() =>
        {
            var ta = a.Set(1);

            new MessageContext().Run(() =>
            {
                b.Set(2);
                var e = Assert.Throws<ArgumentException>(() => b.Reset(ta));
                Assert.Contains("first-var", e.Message);
                Assert.DoesNotContain("different context", e.Message);
                Assert.Equal(2, b.Get());
            });

            // The context-only mismatch reads differently, so the assertion above can tell them apart.
            new MessageContext().Run(() =>
            {
                var e = Assert.Throws<ArgumentException>(() => a.Reset(ta));
                Assert.Contains("different context", e.Message);
            });

            Assert.Equal(1, a.Get());
        });
    }

    // ---- the flat-array / ImmutableDictionary boundary (16 entries) and 10,000 vars ---------------------

    [Theory]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(18)]
    [InlineData(40)]
    public void Set_ManyVarsAroundSnapshotBoundary_AllReadBackAndResetCleanly(int count)
    {
        var vars = Enumerable.Range(0, count).Select(i => new ContextVar<int>($"v{i}")).ToArray();

        Ambient.Run(() =>
        {
            var first = vars.Select((v, i) => v.Set(i)).ToArray();
            AssertValues(vars, i => i);
            Assert.Equal(count, MessageContext.CopyCurrent().Count);

            // Overwrite everything: every token remembers the first value.
            var second = vars.Select((v, i) => v.Set(i * 10)).ToArray();
            AssertValues(vars, i => i * 10);
            Assert.All(second.Select((t, i) => (t, i)), x => Assert.Equal(x.i, x.t.OldValue));

            // Unwind the overwrites in a scrambled order.
            foreach (var i in Scramble(count))
            {
                vars[i].Reset(second[i]);
                Assert.Equal(i, vars[i].Get());
            }

            AssertValues(vars, i => i);

            // Remove them one by one (scrambled), crossing the boundary downwards.
            var removed = new HashSet<int>();
            foreach (var i in Scramble(count).Reverse())
            {
                vars[i].Reset(first[i]);
                removed.Add(i);
                Assert.Equal(count - removed.Count, MessageContext.CopyCurrent().Count);
                for (var j = 0; j < count; j++)
                {
                    Assert.Equal(!removed.Contains(j), vars[j].TryGet(out var value));
                    if (!removed.Contains(j))
                    {
                        Assert.Equal(j, value);
                    }
                }
            }

            Assert.Empty(MessageContext.CopyCurrent());

            // And up again after shrinking: a var set after the removals is readable.
            vars[0].Set(123);
            Assert.Equal(123, vars[0].Get());
            Assert.Single(MessageContext.CopyCurrent());
        });
    }

    [Fact]
    public void Set_SeventeenthVar_SwitchesSnapshotFromFlatArrayToHashMap()
    {
        // Guards the boundary tests: they only cover both storages if the switch really happens at 17 entries.
        var vars = Enumerable.Range(0, 17).Select(i => new ContextVar<int>($"v{i}")).ToArray();

        Ambient.Run(() =>
        {
            for (var i = 0; i < 16; i++)
            {
                vars[i].Set(i);
            }

            Assert.False(IsHashed(ContextSnapshot.Current!), "16 entries should still be a flat array");
            vars[16].Set(16);
            Assert.True(IsHashed(ContextSnapshot.Current!), "17 entries should be an ImmutableDictionary");
        });
    }

    [Fact]
    public void Reset_SeventeenthVar_ReturnsToSixteenEntriesWithValuesIntact()
    {
        var vars = Enumerable.Range(0, 17).Select(i => new ContextVar<string>($"v{i}")).ToArray();

        Ambient.Run(() =>
        {
            for (var i = 0; i < 16; i++)
            {
                vars[i].Set($"x{i}");
            }

            var atSixteen = MessageContext.CopyCurrent();
            var token = vars[16].Set("x16");
            Assert.Equal(17, MessageContext.CopyCurrent().Count);
            Assert.Equal(16, atSixteen.Count); // the earlier snapshot was not touched by the switch

            vars[16].Reset(token);
            var back = MessageContext.CopyCurrent();
            Assert.Equal(16, back.Count);
            Assert.False(vars[16].TryGet(out _));
            ContextAssert.Equal(atSixteen, back);
            Assert.Equal(atSixteen.GetHashCode(), back.GetHashCode());
            for (var i = 0; i < 16; i++)
            {
                Assert.Equal($"x{i}", vars[i].Get());
            }
        });
    }

    [Fact]
    public void Reset_OldTokenAfterContextGrewPastBoundary_RestoresOldValue()
    {
        var target = new ContextVar<string>("target");
        var others = Enumerable.Range(0, 30).Select(i => new ContextVar<int>($"o{i}")).ToArray();

        Ambient.Run(() =>
        {
            target.Set("original");
            var token = target.Set("changed"); // made while the context is small

            foreach (var (v, i) in others.Select((v, i) => (v, i)))
            {
                v.Set(i);
            }

            target.Reset(token); // applied while the context is large
            Assert.Equal("original", target.Get());
            Assert.Equal(31, MessageContext.CopyCurrent().Count);
            AssertValues(others, i => i);
        });
    }

    [Fact]
    public void Set_TenThousandVars_AllReadBackAndResetToEmpty()
    {
        const int count = 10_000;
        var vars = Enumerable.Range(0, count).Select(i => new ContextVar<int>($"v{i}")).ToArray();

        Ambient.Run(() =>
        {
            var tokens = new ContextToken<int>[count];
            for (var i = 0; i < count; i++)
            {
                tokens[i] = vars[i].Set(i);
            }

            for (var i = 0; i < count; i++)
            {
                Assert.True(vars[i].TryGet(out var value));
                Assert.Equal(i, value);
            }

            var ctx = MessageContext.CopyCurrent();
            Assert.Equal(count, ctx.Count);
            Assert.Equal(count, ctx.Keys.Distinct().Count());
            Assert.Equal(Enumerable.Range(0, count).Sum(i => (long)i), ctx.Values.Sum(v => (long)(int)v!));

            // Overwrite every other var, then reset everything in a scrambled order.
            for (var i = 0; i < count; i += 2)
            {
                vars[i].Set(-i);
            }

            Assert.Equal(-10, vars[10].Get());
            Assert.Equal(11, vars[11].Get());

            foreach (var i in Scramble(count))
            {
                vars[i].Reset(tokens[i]);
            }

            Assert.Empty(MessageContext.CopyCurrent());
            Assert.All(vars, v => Assert.False(v.TryGet(out _)));

            // The snapshot taken at 10,000 entries still holds them.
            Assert.Equal(count, ctx.Count);
            Assert.Equal(9_999, ctx[vars[9_999]]);
        });
    }

    [Fact]
    public void Set_TenThousandVarsInsideMessageContext_StayInThatContext()
    {
        const int count = 10_000;
        var vars = Enumerable.Range(0, count).Select(i => new ContextVar<string>("same-name")).ToArray();
        var ctx = new MessageContext();

        ctx.Run(() =>
        {
            for (var i = 0; i < count; i++)
            {
                vars[i].Set(i.ToString());
            }
        });

        Assert.Equal(count, ctx.Count);
        for (var i = 0; i < count; i++)
        {
            Assert.True(ctx.TryGetValue(vars[i], out var value));
            Assert.Equal(i.ToString(), value);
        }

        Ambient.Run(() => Assert.All(vars, v => Assert.False(v.TryGet(out _))));
    }

    private static bool IsHashed(ContextSnapshot snapshot) => snapshot.IsLarge;

    private static void AssertValues<T>(ContextVar<T>[] vars, Func<int, T> expected)
    {
        for (var i = 0; i < vars.Length; i++)
        {
            Assert.True(vars[i].TryGet(out var value), $"{vars[i]} has no value");
            Assert.Equal(expected(i), value);
        }
    }

    /// <summary>A deterministic permutation of 0..count-1 that is neither ascending nor descending.</summary>
    internal static IEnumerable<int> Scramble(int count)
    {
        var order = Enumerable.Range(0, count).ToArray();
        new Random(12345).Shuffle(order);
        return order;
    }
}
