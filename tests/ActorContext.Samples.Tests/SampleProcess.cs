using System.Diagnostics;

namespace ActorContext.Samples.Tests;

/// <summary>
/// A built sample run as <c>dotnet &lt;dll&gt; args</c>, its output collected line by line while it runs.
/// </summary>
internal sealed class SampleProcess : IDisposable
{
    private readonly Process _process;
    private readonly List<string> _stdout = [];
    private readonly List<string> _stderr = [];
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _lineArrived = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SampleProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public static SampleProcess Start(string dllName, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var dll = Path.Combine(AppContext.BaseDirectory, dllName);
        Assert.True(File.Exists(dll), $"sample not found next to the test assembly: {dll}");

        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        var start = new ProcessStartInfo(string.IsNullOrEmpty(host) || !File.Exists(host) ? "dotnet" : host)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(dll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var sample = new SampleProcess(process);
        process.OutputDataReceived += (_, e) => sample.Add(e.Data, sample._stdout, sample._stdoutClosed);
        process.ErrorDataReceived += (_, e) => sample.Add(e.Data, sample._stderr, sample._stderrClosed);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return sample;
    }

    public string[] Stdout
    {
        get
        {
            lock (_gate)
            {
                return [.. _stdout];
            }
        }
    }

    public string AllOutput
    {
        get
        {
            lock (_gate)
            {
                return "stdout:\n" + string.Join('\n', _stdout) + "\nstderr:\n" + string.Join('\n', _stderr);
            }
        }
    }

    /// <summary>Waits until a stdout line matches; fails the test on timeout or exit.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            Task arrived;
            lock (_gate)
            {
                var found = _stdout.FirstOrDefault(match);
                if (found is not null)
                {
                    return found;
                }

                arrived = _lineArrived.Task;
            }

            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero || _stdoutClosed.Task.IsCompleted)
            {
                Assert.Fail($"no matching output line within {timeout.TotalSeconds} s.\n{AllOutput}");
            }

            await Task.WhenAny(arrived, _stdoutClosed.Task, Task.Delay(left));
        }
    }

    /// <summary>Waits for the exit and the end of both output streams; kills the process on timeout.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
            await Task.WhenAll(_stdoutClosed.Task, _stderrClosed.Task).WaitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            Assert.Fail($"the sample did not exit within {timeout.TotalSeconds} s.\n{AllOutput}");
        }

        return _process.ExitCode;
    }

    /// <summary>Sends SIGTERM (what a service manager or <c>docker stop</c> sends) with <c>kill -TERM</c>.</summary>
    public async Task TerminateAsync()
    {
        Assert.False(OperatingSystem.IsWindows(), "this test sends SIGTERM and needs a POSIX system");
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", _process.Id.ToString() }, UseShellExecute = false })!;
        await kill.WaitForExitAsync();
        Assert.Equal(0, kill.ExitCode);
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
        }

        _process.Dispose();
    }

    private void Add(string? line, List<string> lines, TaskCompletionSource closed)
    {
        if (line is null)
        {
            closed.TrySetResult();
            lock (_gate)
            {
                _lineArrived.TrySetResult();
            }

            return;
        }

        lock (_gate)
        {
            lines.Add(line);
            _lineArrived.TrySetResult();
            _lineArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
    }
}
