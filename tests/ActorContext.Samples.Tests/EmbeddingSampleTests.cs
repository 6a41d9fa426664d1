namespace ActorContext.Samples.Tests;

public class EmbeddingSampleTests
{
    [Fact]
    public async Task Embedding_RunAsProcess_EveryHopPrintsTheEdgesRequestIdAndExitsZero()
    {
        using var sample = SampleProcess.Start("ActorContext.Embedding.dll", []);

        var exitCode = await sample.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.True(exitCode == 0, $"exit code {exitCode}\n{sample.AllOutput}");
        var lines = sample.Stdout;
        Assert.Contains("propagation enabled: True", lines);
        foreach (var id in new[] { "req-1001", "req-1002", "req-1003" })
        {
            Assert.Contains($"edge    request-id = {id}", lines);
            foreach (var hop in new[] { "orders", "billing", "audit" })
            {
                Assert.Contains($"{hop,-7} request-id = {id}", lines);
            }
        }

        Assert.Contains("after the requests: request-id = (none)", lines);
        Assert.Contains("every hop saw the edge's request ID", lines);
    }
}
