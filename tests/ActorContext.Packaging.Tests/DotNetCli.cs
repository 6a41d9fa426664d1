using System.Diagnostics;
using System.Text;

namespace ActorContext.Packaging.Tests;

/// <summary>The output of one finished <c>dotnet</c> command.</summary>
internal sealed record CommandResult(string CommandLine, int ExitCode, string Output, TimeSpan Elapsed);

/// <summary>Runs the <c>dotnet</c> CLI as a child process with a deadline.</summary>
internal static class DotNetCli
{
    /// <summary>The dotnet host that runs this test (so the child uses the same SDK), else dotnet on PATH.</summary>
    private static string DotNetPath =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    /// <summary>
    /// Runs <c>dotnet args</c> in <paramref name="workingDirectory"/>, killing the whole process tree when
    /// <paramref name="cancellationToken"/> fires. Throws when it fails or times out, with its output.
    /// </summary>
    public static async Task<CommandResult> RunAsync(string workingDirectory, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        var psi = new ProcessStartInfo(DotNetPath)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        // The test runs inside 'dotnet test': drop what that MSBuild/VSTest process put into the environment so the
        // child is a plain command-line run, as a user would type it.
        foreach (var key in psi.Environment.Keys.ToList())
        {
            if (key.StartsWith("MSBUILD", StringComparison.OrdinalIgnoreCase) ||
                key.StartsWith("VSTEST", StringComparison.OrdinalIgnoreCase) ||
                key.StartsWith("TESTINGPLATFORM", StringComparison.OrdinalIgnoreCase))
            {
                psi.Environment.Remove(key);
            }
        }

        // No build servers or reusable MSBuild nodes: nothing may outlive the command (a lingering node would also
        // hold the redirected output open).
        psi.Environment["MSBUILDDISABLENODEREUSE"] = "1";
        psi.Environment["DOTNET_CLI_USE_MSBUILD_SERVER"] = "0";
        psi.Environment["UseSharedCompilation"] = "false";
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        psi.Environment["DOTNET_NOLOGO"] = "1";
        psi.Environment["DOTNET_SKIP_FIRST_TIME_EXPERIENCE"] = "1";

        var commandLine = "dotnet " + string.Join(' ', args);
        var output = new StringBuilder();
        var stopwatch = Stopwatch.StartNew();
        using var process = new Process { StartInfo = psi };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        process.Start();
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            await process.WaitForExitAsync(CancellationToken.None);
            throw new TimeoutException($"'{commandLine}' did not finish in time.\n{Text(output)}");
        }

        process.WaitForExit(); // drains the asynchronous output readers
        var result = new CommandResult(commandLine, process.ExitCode, Text(output), stopwatch.Elapsed);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"'{commandLine}' exited with {result.ExitCode} in {workingDirectory}.\n{result.Output}");
        }

        return result;
    }

    private static string Text(StringBuilder output)
    {
        lock (output)
        {
            return output.ToString();
        }
    }
}
