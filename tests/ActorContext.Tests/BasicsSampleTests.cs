using System.Diagnostics;
using ActorContext.Basics;

namespace ActorContext.Tests;

public class BasicsSampleTests
{
    [Fact]
    public void BasicsDemoRun_WritesAllThreeSections_WithExpectedLines()
    {
        var writer = new StringWriter();

        Ambient.Run(() => BasicsDemo.Run(writer));

        var lines = writer.ToString().Split(Environment.NewLine);

        // (a) greetings come out in reverse order of preparation, and the var has no value outside.
        var greetings = lines.Where(l => l.StartsWith("Hello, ", StringComparison.Ordinal)).ToArray();
        Assert.Equal(new[] { "Hello, Harry!", "Hello, Dina!", "Hello, Steve!" }, greetings);
        Assert.Contains("outside any context: name.Get(\"nobody\") = nobody", lines);

        // (b) the token walkthrough.
        Assert.Contains("t1 = foo.Set(\"bar\"): t1.OldValue = MISSING", lines);
        Assert.Contains("t2 = foo.Set(\"baz\"): t2.OldValue = bar", lines);
        Assert.Contains("foo.Get() = baz", lines);
        Assert.Contains("after foo.Reset(t1) (out of order): foo.TryGet = False", lines);
        Assert.Contains(lines, l => l.StartsWith("resetting t1 again: InvalidOperationException: ", StringComparison.Ordinal));
        Assert.Contains("after foo.Reset(s2): foo.Get() = one", lines);
        Assert.Contains("after foo.Reset(s1): foo.TryGet = False", lines);

        // (c) copy keeps the old value, Run's change stays in the context, new context is empty, lookup.
        Assert.Contains("current name = after-copy", lines);
        Assert.Contains("copy[name] = before-copy", lines);
        Assert.Contains("after copy.Run(counter += 1): copy[counter] = 1", lines);
        Assert.Contains("outside: counter.Get() = 0, counter.TryGet = False", lines);
        Assert.Contains("new MessageContext().Count = 0", lines);
        Assert.Contains("copy.Lookup(\"name\") = before-copy", lines);
        Assert.Contains("copy.Lookup(\"missing\") = null", lines);

        // Sections appear in order.
        var a = Array.FindIndex(lines, l => l.StartsWith("== (a)", StringComparison.Ordinal));
        var b = Array.FindIndex(lines, l => l.StartsWith("== (b)", StringComparison.Ordinal));
        var c = Array.FindIndex(lines, l => l.StartsWith("== (c)", StringComparison.Ordinal));
        Assert.True(a >= 0 && a < b && b < c, $"section order a={a} b={b} c={c}");
    }

    [Fact]
    public void BasicsDemoRun_CalledTwice_IsDeterministicAndLeavesCallerUntouched()
    {
        Ambient.Run(() =>
        {
            var first = new StringWriter();
            var second = new StringWriter();

            BasicsDemo.Run(first);
            BasicsDemo.Run(second);

            Assert.Equal(first.ToString(), second.ToString());
            Assert.Empty(MessageContext.CopyCurrent());
        });
    }

    [Fact]
    public async Task BasicsProgram_RunAsProcess_ExitsZeroAndGreetsHarry()
    {
        var dll = Path.Combine(AppContext.BaseDirectory, "ActorContext.Basics.dll");
        Assert.True(File.Exists(dll), $"sample not found next to the test assembly: {dll}");

        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH");
        var start = new ProcessStartInfo(string.IsNullOrEmpty(host) || !File.Exists(host) ? "dotnet" : host)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60)))
        {
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail("The sample did not exit within 60 s.");
            }
        }

        var output = await stdout;
        var errors = await stderr;
        Assert.True(process.ExitCode == 0, $"exit code {process.ExitCode}; stderr: {errors}");
        Assert.Contains("Hello, Harry!", output);
        Assert.True(
            output.IndexOf("Hello, Harry!", StringComparison.Ordinal) < output.IndexOf("Hello, Steve!", StringComparison.Ordinal),
            output);
    }
}
