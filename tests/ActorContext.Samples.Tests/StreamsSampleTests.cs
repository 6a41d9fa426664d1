namespace ActorContext.Samples.Tests;

public class StreamsSampleTests
{
    [Fact]
    public async Task Streams_RunAsProcess_EveryStageOfEveryOrderLogsItsRequestsIdAndExitsZero()
    {
        using var sample = SampleProcess.Start("ActorContext.StreamsSample.dll", ["--requests", "12"]);

        var exitCode = await sample.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.True(exitCode == 0, $"exit code {exitCode}\n{sample.AllOutput}");
        var lines = sample.Stdout;
        for (var order = 1; order <= 12; order++)
        {
            foreach (var stage in new[] { "validate", "price", "ship" })
            {
                Assert.Contains($"{stage,-8} order {order,3}  request-id = r-{order:D3}", lines);
            }
        }

        Assert.Contains("summary: 12 requests, 12 shipped, 0 mismatches", lines);
    }
}
