using System.Runtime.CompilerServices;

namespace ActorContext.Tests;

public class ContextTokenTests
{
    [Fact]
    public void Var_AfterSet_IsTheVarThatCreatedIt()
    {
        var var = new ContextVar<int>("v");

        Ambient.Run(() => Assert.Same(var, var.Set(1).Var));
    }

    [Fact]
    public void HasOldValue_FirstSet_IsFalse()
    {
        var var = new ContextVar<string>("v");

        Ambient.Run(() => Assert.False(var.Set("a").HasOldValue));
    }

    [Fact]
    public void HasOldValue_FirstSetOfVarWithDefault_IsFalse()
    {
        var var = new ContextVar<string>("v", "default");

        Ambient.Run(() =>
        {
            var token = var.Set("a");
            Assert.False(token.HasOldValue);
            Assert.Throws<InvalidOperationException>(() => token.OldValue);
        });
    }

    [Fact]
    public void OldValue_NoOldValue_ThrowsInvalidOperationNamingTheVar()
    {
        var var = new ContextVar<int>("counter-var");

        Ambient.Run(() =>
        {
            var token = var.Set(1);
            var e = Assert.Throws<InvalidOperationException>(() => token.OldValue);
            Assert.Contains("counter-var", e.Message);
        });
    }

    [Fact]
    public void OldValue_SecondSet_IsThePreviousValue()
    {
        var var = new ContextVar<string>("v");

        Ambient.Run(() =>
        {
            var.Set("bar");
            var token = var.Set("baz");
            Assert.True(token.HasOldValue);
            Assert.Equal("bar", token.OldValue);
        });
    }

    [Fact]
    public void HasOldValue_SetAfterValueWasReset_IsFalseAgain()
    {
        var var = new ContextVar<int>("v");

        Ambient.Run(() =>
        {
            var.Reset(var.Set(1));
            Assert.False(var.Set(2).HasOldValue);
        });
    }

    [Fact]
    public void HasOldValue_FirstSetInsideCopiedContext_ReflectsTheCopiedValue()
    {
        var var = new ContextVar<int>("v");

        Ambient.Run(() =>
        {
            var.Set(7);
            var token = MessageContext.CopyCurrent().Run(() => var.Set(8));
            Assert.True(token.HasOldValue);
            Assert.Equal(7, token.OldValue);
        });
    }

    [Fact]
    public void Dispose_UnusedToken_ResetsTheVar()
    {
        var var = new ContextVar<string>("v");

        Ambient.Run(() =>
        {
            var.Set("outer");
            var token = var.Set("inner");
            token.Dispose();
            Assert.Equal("outer", var.Get());
        });
    }

    [Fact]
    public void Dispose_TokenWithoutOldValue_RemovesTheValue()
    {
        var var = new ContextVar<string>("v", "dflt");

        Ambient.Run(() =>
        {
            var.Set("inner").Dispose();
            Assert.False(var.TryGet(out _));
            Assert.Equal("dflt", var.Get());
        });
    }

    [Fact]
    public void Dispose_SecondTime_DoesNothing()
    {
        var var = new ContextVar<int>("v");

        Ambient.Run(() =>
        {
            var.Set(1);
            var token = var.Set(2);
            token.Dispose();
            Assert.Equal(1, var.Get());

            var.Set(3);
            token.Dispose(); // must not reset to 1 again, nor throw
            Assert.Equal(3, var.Get());
        });
    }

    [Fact]
    public void Dispose_AfterExplicitReset_DoesNothing()
    {
        var var = new ContextVar<int>("v");

        Ambient.Run(() =>
        {
            var token = var.Set(1);
            var.Reset(token);
            var.Set(5);

            token.Dispose();
            Assert.Equal(5, var.Get());
        });
    }

    [Fact]
    public void Reset_AfterDispose_ThrowsInvalidOperation()
    {
        var var = new ContextVar<int>("v");

        Ambient.Run(() =>
        {
            var token = var.Set(1);
            token.Dispose();
            var.Set(4);

            Assert.Throws<InvalidOperationException>(() => var.Reset(token));
            Assert.Equal(4, var.Get());
        });
    }

    [Fact]
    public void Dispose_OutOfOrder_BehavesLikeReset()
    {
        var var = new ContextVar<string>("foo");

        Ambient.Run(() =>
        {
            var t1 = var.Set("bar");
            var t2 = var.Set("baz");
            t1.Dispose();
            Assert.False(var.TryGet(out _));
            t2.Dispose();
            Assert.Equal("bar", var.Get());
        });
    }

    [Fact]
    public void UsingVar_EndOfScope_RestoresPreviousValue()
    {
        var var = new ContextVar<string>("request-id", "none");

        Ambient.Run(() =>
        {
            void Handle(string id, List<string> seen)
            {
                using var _ = var.Set(id);
                seen.Add(var.Get());
            }

            var seen = new List<string>();
            Handle("r-1", seen);
            Assert.False(var.TryGet(out _));
            Assert.Equal("none", var.Get());

            using (var.Set("outer"))
            {
                Handle("r-2", seen);
                Assert.Equal("outer", var.Get());
            }

            Assert.Equal(new[] { "r-1", "r-2" }, seen);
            Assert.False(var.TryGet(out _));
        });
    }

    [Fact]
    public void UsingVar_NestedScopes_UnwindInStackOrder()
    {
        var var = new ContextVar<int>("depth", 0);

        Ambient.Run(() =>
        {
            using (var.Set(1))
            {
                using (var.Set(2))
                {
                    using (var.Set(3))
                    {
                        Assert.Equal(3, var.Get());
                    }

                    Assert.Equal(2, var.Get());
                }

                Assert.Equal(1, var.Get());
            }

            Assert.False(var.TryGet(out _));
        });
    }

    [Fact]
    public void UsingVar_ExceptionInScope_StillRestoresPreviousValue()
    {
        var var = new ContextVar<string>("v");

        Ambient.Run(() =>
        {
            var.Set("before");
            var thrown = new InvalidTimeZoneException("boom");

            var caught = Assert.Throws<InvalidTimeZoneException>((Action)(() =>
            {
                using var _ = var.Set("during");
                throw thrown;
            }));

            Assert.Same(thrown, caught);
            Assert.Equal("before", var.Get());
        });
    }

    [Fact]
    public async Task UsingVar_AcrossAwaitsInAsyncMethod_RestoresAtEndOfScope()
    {
        var var = new ContextVar<int>("v");

        await Ambient.RunAsync(async () =>
        {
            var.Set(1);
            using (var.Set(2))
            {
                await Task.Yield();
                Assert.Equal(2, var.Get());
                await Task.Delay(1);
            }

            Assert.Equal(1, var.Get());
        });
    }

    [Fact]
    public void Reset_RightAfterSet_PutsBackTheVeryContextBeforeIt()
    {
        var a = new ContextVar<string>("a");
        var b = new ContextVar<string>("b");

        Ambient.Run(() =>
        {
            a.Set("1");
            var before = ContextSnapshot.Current;
            var token = b.Set("2");
            Assert.NotSame(before, ContextSnapshot.Current);

            b.Reset(token);

            Assert.Same(before, ContextSnapshot.Current);
            Assert.Equal("1", a.Get());
            Assert.False(b.TryGet(out _));
        });
    }

    [Fact]
    public void Reset_OfTheFirstSetInAnEmptyFlow_LeavesNoContext()
    {
        var var = new ContextVar<int>("v");

        Ambient.Run(() =>
        {
            Assert.Null(ContextSnapshot.Current);
            var token = var.Set(1);

            token.Dispose();

            Assert.Null(ContextSnapshot.Current);
            Assert.False(var.TryGet(out _));
        });
    }

    [Fact]
    public void Reset_AfterAnotherVarChanged_PutsBackOnlyItsOwnVar()
    {
        var a = new ContextVar<string>("a");
        var b = new ContextVar<string>("b");

        Ambient.Run(() =>
        {
            b.Set("old");
            var token = b.Set("new");
            a.Set("set-after");

            b.Reset(token);

            Assert.Equal("old", b.Get());
            Assert.Equal("set-after", a.Get());
        });
    }

    [Fact]
    public void OldValue_AfterLaterSetsOfTheSameVar_IsStillTheValueBeforeItsOwnSet()
    {
        var var = new ContextVar<string>("v");

        Ambient.Run(() =>
        {
            var.Set("first");
            var token = var.Set("second");
            var.Set("third");

            Assert.True(token.HasOldValue);
            Assert.Equal("first", token.OldValue);

            var.Reset(token);
            Assert.Equal("first", var.Get());
        });
    }

    [Fact]
    public void Token_AfterItsReset_KeepsNeitherTheValueItsSetInstalledNorTheContextBefore()
    {
        var var = new ContextVar<object>("payload");
        var other = new ContextVar<object?>("other");

        Ambient.Run(() =>
        {
            var (token, installed, before) = SetAndReset(var, other);
            Replace(other); // the other payload is no longer in any context
            FullGc();

            Assert.False(var.TryGet(out _));
            Assert.False(installed.IsAlive, "the used token still holds the value its set installed");
            Assert.False(before.IsAlive, "the used token still holds the context its set changed");
            Assert.False(token.HasOldValue);
        });
    }

    [Fact]
    public void Token_AfterItsReset_StillTellsTheOldValue()
    {
        var var = new ContextVar<int>("v");

        Ambient.Run(() =>
        {
            var.Set(1);
            var token = var.Set(2);
            var.Reset(token);

            Assert.True(token.HasOldValue);
            Assert.Equal(1, token.OldValue);
        });
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static (ContextToken<object> Token, WeakReference Installed, WeakReference Before) SetAndReset(ContextVar<object> var, ContextVar<object?> other)
    {
        var before = new byte[1 << 20];
        other.Set(before);
        var installed = new byte[1 << 20];
        var token = var.Set(installed);
        var.Reset(token);
        return (token, new WeakReference(installed), new WeakReference(before));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void Replace(ContextVar<object?> other) => other.Set(null);

    private static void FullGc()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
    }
}
