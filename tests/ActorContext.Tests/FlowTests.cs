namespace ActorContext.Tests;

public class FlowTests
{
    // ---- flowing in ---------------------------------------------------------------------------------------

    [Fact]
    public async Task Await_ValueSetBefore_IsVisibleAfterAwaits()
    {
        var var = new ContextVar<string>("v");

        await Ambient.RunAsync(async () =>
        {
            var.Set("x");
            await Task.Yield();
            Assert.Equal("x", var.Get());
            await Task.Delay(5);
            Assert.Equal("x", var.Get());
            await Task.Delay(1).ConfigureAwait(false);
            Assert.Equal("x", var.Get());
        });
    }

    [Fact]
    public async Task AsyncMethod_CallerValue_IsVisibleInside()
    {
        var var = new ContextVar<int>("v");

        await Ambient.RunAsync(async () =>
        {
            async Task<int> ReadAsync()
            {
                await Task.Yield();
                return var.Get();
            }

            var.Set(5);
            Assert.Equal(5, await ReadAsync());
        });
    }

    [Fact]
    public async Task TaskRun_ValueSetBeforeStart_IsVisibleInTask()
    {
        var var = new ContextVar<string>("v");

        await Ambient.RunAsync(async () =>
        {
            var.Set("parent");
            Assert.Equal("parent", await Task.Run(() => var.Get()));
            Assert.Equal("parent", await Task.Run(async () =>
            {
                await Task.Yield();
                return var.Get();
            }));
        });
    }

    [Fact]
    public async Task TaskRun_ParentChangesAfterStart_AreNotSeenByTask()
    {
        var var = new ContextVar<string>("v");

        await Ambient.RunAsync(async () =>
        {
            var.Set("at-start");
            var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var child = Task.Run(async () =>
            {
                await gate.Task;
                return var.Get();
            });

            var.Set("changed-later");
            gate.SetResult();
            Assert.Equal("at-start", await child);
        });
    }

    [Fact]
    public void ThreadPoolWorkItem_ValueSetBefore_IsVisible()
    {
        var var = new ContextVar<int>("v");

        Ambient.Run(() =>
        {
            var.Set(17);
            using var done = new ManualResetEventSlim();
            var seen = -1;
            var queued = ThreadPool.QueueUserWorkItem(_ =>
            {
                seen = var.Get(-2);
                done.Set();
            });

            Assert.True(queued);
            Assert.True(done.Wait(TimeSpan.FromSeconds(30)));
            Assert.Equal(17, seen);
        });
    }

    [Fact]
    public void NewThread_ValueSetBefore_IsVisibleAndThreadChangesDoNotFlowBack()
    {
        var var = new ContextVar<string>("v");
        var other = new ContextVar<string>("other");

        Ambient.Run(() =>
        {
            var.Set("parent");
            string? seen = null;
            var thread = new Thread(() =>
            {
                seen = var.Get();
                var.Set("child");
                other.Set("child-only");
            });
            thread.Start();
            Assert.True(thread.Join(TimeSpan.FromSeconds(30)));

            Assert.Equal("parent", seen);
            Assert.Equal("parent", var.Get());
            Assert.False(other.TryGet(out _));
        });
    }

    [Fact]
    public async Task TaskStartedInsideRun_SeesThatContextsValues()
    {
        var var = new ContextVar<string>("v");
        var ctx = new MessageContext();
        ctx.Run(() => var.Set("in-ctx"));

        var task = ctx.Run(() => Task.Run(async () =>
        {
            await Task.Delay(1);
            return var.Get("none");
        }));

        Assert.Equal("in-ctx", await task);
    }

    // ---- not flowing back -----------------------------------------------------------------------------------

    [Fact]
    public async Task AsyncMethod_SetBeforeFirstAwait_DoesNotFlowBackToCaller()
    {
        var var = new ContextVar<string>("v");

        await Ambient.RunAsync(async () =>
        {
            var.Set("caller");

            async Task ChangeAsync()
            {
                var.Set("callee");
                await Task.CompletedTask;
            }

            var pending = ChangeAsync();
            Assert.Equal("caller", var.Get()); // synchronous part already ran
            await pending;
            Assert.Equal("caller", var.Get());
        });
    }

    [Fact]
    public async Task AsyncMethod_SetAfterAwait_DoesNotFlowBackToCaller()
    {
        var var = new ContextVar<string>("v");
        var added = new ContextVar<int>("added");

        await Ambient.RunAsync(async () =>
        {
            var.Set("caller");

            async Task ChangeAsync()
            {
                await Task.Yield();
                var.Set("callee");
                added.Set(1);
                await Task.Delay(1);
                Assert.Equal("callee", var.Get());
            }

            await ChangeAsync();
            Assert.Equal("caller", var.Get());
            Assert.False(added.TryGet(out _));
        });
    }

    [Fact]
    public async Task AsyncMethod_ResetInsideCallee_DoesNotRemoveCallerValue()
    {
        var var = new ContextVar<string>("v");

        await Ambient.RunAsync(async () =>
        {
            var token = var.Set("caller");

            async Task ResetAsync()
            {
                await Task.Yield();
                var.Reset(token);
                Assert.False(var.TryGet(out _));
            }

            await ResetAsync();
            Assert.Equal("caller", var.Get());
        });
    }

    [Fact]
    public async Task TaskRun_ChangesInsideTask_DoNotFlowBack()
    {
        var var = new ContextVar<int>("v");

        await Ambient.RunAsync(async () =>
        {
            var.Set(1);
            await Task.Run(() => var.Set(2));
            await Task.Run(async () =>
            {
                await Task.Yield();
                var.Set(3);
            });

            Assert.Equal(1, var.Get());
        });
    }

    [Fact]
    public async Task Run_AsyncDelegate_SeesContextValuesButItsChangesDoNotFlowBackIntoContext()
    {
        // An async delegate is an async method: like any other, its changes (even those made before its first
        // await) do not flow back to its caller, which here is the context being run.
        var var = new ContextVar<string>("v");
        var ctx = new MessageContext();
        ctx.Run(() => var.Set("in-ctx"));

        var seen = new List<string>();
        var task = ctx.Run(async () =>
        {
            seen.Add(var.Get());
            var.Set("before-await");
            await Task.Yield();
            seen.Add(var.Get());
            var.Set("after-await");
            seen.Add(var.Get());
        });
        await task;

        var completedSynchronously = ctx.Run(async () =>
        {
            var.Set("no-await");
            await Task.CompletedTask;
        });
        await completedSynchronously;

        Assert.Equal(new[] { "in-ctx", "before-await", "after-await" }, seen);
        Assert.Equal("in-ctx", ctx[var]);
    }

    // ---- isolation between concurrent flows ----------------------------------------------------------------

    [Fact]
    public async Task ParallelTasks_HundredEachSettingOwnValue_NeverSeeEachOther()
    {
        const int count = 100;
        var var = new ContextVar<int>("v", -1);
        var perTask = Enumerable.Range(0, count).Select(i => new ContextVar<int>($"own-{i}")).ToArray();

        await Ambient.RunAsync(async () =>
        {
            var allSet = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var remaining = count;

            var tasks = Enumerable.Range(0, count).Select(i => Task.Run(async () =>
            {
                Assert.False(var.TryGet(out _));
                var.Set(i);
                perTask[i].Set(i * 3);

                // Every task holds its value at the same time before anyone checks.
                if (Interlocked.Decrement(ref remaining) == 0)
                {
                    allSet.SetResult();
                }

                await allSet.Task;
                Assert.Equal(i, var.Get());
                await Task.Yield();
                Assert.Equal(i, var.Get());
                await Task.Delay(1);
                Assert.Equal(i, var.Get());

                for (var j = 0; j < count; j++)
                {
                    Assert.Equal(j == i, perTask[j].TryGet(out _));
                }

                using (var.Set(i + 1000))
                {
                    await Task.Yield();
                    Assert.Equal(i + 1000, var.Get());
                }

                Assert.Equal(i, var.Get());
                return var.Get();
            })).ToArray();

            var results = await Task.WhenAll(tasks);
            Assert.Equal(Enumerable.Range(0, count), results);
            Assert.False(var.TryGet(out _));
            Assert.All(perTask, v => Assert.False(v.TryGet(out _)));
        });
    }

    [Fact]
    public void Threads_ConcurrentSetAndGetLoops_EachSeesOnlyItsOwnValues()
    {
        var var = new ContextVar<int>("v");
        var big = Enumerable.Range(0, 20).Select(i => new ContextVar<int>($"b{i}")).ToArray();
        using var barrier = new Barrier(8);

        Ambient.Run(() => Ambient.RunThreads(Enumerable.Range(0, 8).Select(t => (Action)(() =>
        {
            barrier.SignalAndWait(TimeSpan.FromSeconds(30));
            for (var n = 0; n < 2_000; n++)
            {
                var value = t * 1_000_000 + n;
                using (var.Set(value))
                {
                    // Cross the 16-entry boundary on every iteration.
                    var tokens = big.Select(b => b.Set(value)).ToArray();
                    Assert.Equal(value, var.Get());
                    Assert.All(big, b => Assert.Equal(value, b.Get()));
                    foreach (var token in tokens.Reverse())
                    {
                        token.Var.Reset(token);
                    }
                }

                Assert.False(var.TryGet(out _));
            }
        }))));
    }

    [Fact]
    public async Task ParallelMessageContextCopies_RunConcurrently_StayIndependent()
    {
        var var = new ContextVar<int>("v");
        var origin = new MessageContext();
        origin.Run(() => var.Set(0));

        var contexts = Enumerable.Range(0, 50).Select(_ => origin.Copy()).ToArray();
        await Task.WhenAll(contexts.Select((ctx, i) => Task.Run(() => ctx.Run(() =>
        {
            Assert.Equal(0, var.Get());
            var.Set(i);
            Thread.Sleep(1);
            Assert.Equal(i, var.Get());
        }))));

        for (var i = 0; i < contexts.Length; i++)
        {
            Assert.Equal(i, contexts[i][var]);
        }

        Assert.Equal(0, origin[var]);
    }
}
