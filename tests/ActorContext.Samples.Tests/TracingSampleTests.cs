using System.Text.RegularExpressions;

namespace ActorContext.Samples.Tests;

public class TracingSampleTests
{
    [Fact]
    public async Task Tracing_RunAsProcess_EveryHopIsInTheEdgesTrace_AndTheSpanTreeHasTheRightParents()
    {
        using var sample = SampleProcess.Start("ActorContext.Tracing.dll", []);

        var exitCode = await sample.WaitForExitAsync(TimeSpan.FromSeconds(30));

        Assert.True(exitCode == 0, $"exit code {exitCode}\n{sample.AllOutput}");
        var lines = string.Join("\n", sample.Stdout);
        var edge = Regex.Match(lines, "^edge +request-id=r-1001 trace=([0-9a-f]{32})$", RegexOptions.Multiline);
        Assert.True(edge.Success, lines);
        var trace = edge.Groups[1].Value;
        foreach (var hop in new[] { "orders", "stock", "shipping" })
        {
            Assert.Matches(new Regex($"^{hop} +request-id=r-1001 trace={trace} handles ", RegexOptions.Multiline), lines);
        }

        // The tree: indentation is the parent/child link the exporter recorded.
        Assert.Contains($"trace {trace}: 5 spans", lines);
        Assert.Matches(new Regex(@"^POST /orders +Shop\.Edge\r?\n  receive PlaceOrder +akka://shop/user/orders \[ask\]\r?\n    receive Reserve +akka://shop/user/stock \[ask\]\r?\n    receive Reserved +akka://shop/user/orders \[tell\]\r?\n      receive Ship +akka://shop/user/shipping \[tell\]", RegexOptions.Multiline), lines);
    }
}
