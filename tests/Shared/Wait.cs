namespace ActorContext.Testing;

/// <summary>
/// Bounded waits shared by the test projects (linked into each as source): poll until a condition holds, fail with what
/// was awaited and what was seen when the time is up.
/// </summary>
/// <remarks>
/// The timeouts are generous bounds for a loaded machine, not speed assertions: a test that passes waits only as long
/// as its condition takes.
/// </remarks>
public static class Wait
{
    /// <summary>The bound used when a test names none.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    private static readonly TimeSpan s_poll = TimeSpan.FromMilliseconds(20);

    /// <summary>Waits until <paramref name="condition"/> holds; throws a <see cref="TimeoutException"/> naming <paramref name="what"/>.</summary>
    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what) =>
        UntilAsync(() => Task.FromResult(condition()), timeout, what);

    /// <summary>Waits until <paramref name="condition"/> holds; throws a <see cref="TimeoutException"/> naming <paramref name="what"/>.</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds} s waiting for: {what}");
            }

            await Task.Delay(s_poll);
        }
    }

    /// <summary>
    /// Reads with <paramref name="read"/> until <paramref name="done"/> holds for what was read, and returns that; on
    /// timeout throws a <see cref="TimeoutException"/> naming <paramref name="what"/> and describing the last read.
    /// </summary>
    public static async Task<T> ForAsync<T>(Func<T> read, Func<T, bool> done, TimeSpan timeout, string what, Func<T, string> describe)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var value = read();
            if (done(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds} s waiting for: {what}. Last seen: {describe(value)}");
            }

            await Task.Delay(s_poll);
        }
    }
}
