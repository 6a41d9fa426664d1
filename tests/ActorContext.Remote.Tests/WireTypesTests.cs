using ActorContext.Remote.Tests.Support;
using Akka.Actor;

namespace ActorContext.Remote.Tests;

/// <summary>Which values cross: every wire-safe kind and RequestContext entries do; process-scoped vars do not.</summary>
[Collection(ClusterCollection.Name)]
public sealed class WireTypesTests(ClusterFixture cluster) : ClusterTest(cluster)
{
    public static TheoryData<string, int, string, string, string> Values => new()
    {
        { "plain-ascii", 42, "0f8fad5b-d9cb-469f-a165-70867728950e", "2030-01-02T03:04:05.1234567+05:30", "00FF10" },
        { "ünïcødé ✓ 日本", int.MinValue, "00000000-0000-0000-0000-000000000000", "0001-01-01T00:00:00.0000000-14:00", "" },
        { string.Empty, int.MaxValue, "ffffffff-ffff-ffff-ffff-ffffffffffff", "9999-12-31T23:59:59.9999999+14:00", new string('A', 2048) },
    };

    [Theory]
    [MemberData(nameof(Values))]
    public async Task EveryWireSafeKind_AndARequestContextEntry_CrossToAnotherNode_AProcessScopedVarDoesNot(
        string text, int number, string guid, string when, string hexBlob)
    {
        var target = await RefAsync(0, 2);
        var local = await RefAsync(0, 0);
        var blob = Convert.FromHexString(hexBlob);
        var time = DateTimeOffset.Parse(when, System.Globalization.CultureInfo.InvariantCulture);

        var (remote, sameNode) = await new MessageContext().Run(async () =>
        {
            Vars.RequestId.Set(text);
            Vars.Number.Set(number);
            Vars.Id.Set(Guid.Parse(guid));
            Vars.When.Set(time);
            Vars.Blob.Set(blob);
            RequestContext.Set(Vars.TenantKey, $"tenant:{text}");
            Vars.LocalOnly.Set("stays-here");
            return (await target.Ask<Report>(new Probe("types"), Timeout), await local.Ask<Report>(new Probe("types-local"), Timeout));
        });

        var fields = remote.Reading.Split('|').Select(static f => f.Split('=', 2)).ToDictionary(static f => f[0], static f => f[1]);
        Assert.Equal(NodeName(2), remote.Node);
        Assert.Equal(text.Length == 0 ? string.Empty : text, fields["rid"]);
        Assert.Equal(number.ToString(System.Globalization.CultureInfo.InvariantCulture), fields["n"]);
        Assert.Equal(Guid.Parse(guid).ToString("N"), fields["g"]);
        Assert.Equal(time.ToString("O", System.Globalization.CultureInfo.InvariantCulture), fields["t"]);
        Assert.Equal(Convert.ToHexString(blob), fields["b"]);
        Assert.Equal($"tenant:{text}", fields["rc"]);
        Assert.Equal("-", fields["local"]);

        // Control: on the sender's own node the process-scoped var is there, so "-" above is not a reading error.
        Assert.EndsWith("|local=stays-here", sameNode.Reading);
    }
}
