using System.Runtime.ExceptionServices;

namespace ActorContext.Tests;

/// <summary>
/// Runs test bodies in a clean ambient flow: a fresh thread (or thread-pool item) started with
/// ExecutionContext flow suppressed, so no context value from xunit, another test or an earlier test on the
/// same thread is current, and nothing the body sets can leak anywhere. Tokens created there belong to the
/// ambient flow (not to any MessageContext).
/// </summary>
internal static class Ambient
{
    public static void Run(Action body)
    {
        ExceptionDispatchInfo? error = null;
        Thread thread;
        using (ExecutionContext.SuppressFlow())
        {
            thread = new Thread(() =>
            {
                try
                {
                    body();
                }
                catch (Exception e)
                {
                    error = ExceptionDispatchInfo.Capture(e);
                }
            });
            thread.IsBackground = true;
            thread.Start();
        }

        if (!thread.Join(TimeSpan.FromSeconds(30)))
        {
            throw new TimeoutException("Test body did not finish within 30 s.");
        }

        error?.Throw();
    }

    /// <summary>The snapshot current after <paramref name="set"/> ran in a clean ambient flow (see <see cref="Run"/>).</summary>
    public static ContextSnapshot Capture(Action set)
    {
        ContextSnapshot? snapshot = null;
        Run(() =>
        {
            set();
            snapshot = ContextSnapshot.Current;
        });
        return snapshot!;
    }

    public static async Task RunAsync(Func<Task> body)
    {
        Task task;
        using (ExecutionContext.SuppressFlow())
        {
            task = Task.Run(body);
        }

        await task.WaitAsync(TimeSpan.FromSeconds(30));
    }

    /// <summary>
    /// Starts one thread per body (context flows from the caller as usual), waits for all of them and rethrows
    /// the first failure, so assertions made on those threads fail the test instead of the process.
    /// </summary>
    public static void RunThreads(IEnumerable<Action> bodies)
    {
        var errors = new System.Collections.Concurrent.ConcurrentQueue<Exception>();
        var threads = bodies.Select(body => new Thread(() =>
        {
            try
            {
                body();
            }
            catch (Exception e)
            {
                errors.Enqueue(e);
            }
        }) { IsBackground = true }).ToArray();

        foreach (var thread in threads)
        {
            thread.Start();
        }

        foreach (var thread in threads)
        {
            if (!thread.Join(TimeSpan.FromSeconds(30)))
            {
                throw new TimeoutException("A test thread did not finish within 30 s.");
            }
        }

        if (errors.TryDequeue(out var first))
        {
            ExceptionDispatchInfo.Throw(first);
        }
    }

    /// <summary>Asserts the calling flow starts with no value for anything (guards the helper itself).</summary>
    public static void AssertClean() => Assert.Empty(MessageContext.CopyCurrent());
}
