using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace ActorContext.Serilog.Tests;

/// <summary>Serilog used directly: <c>new LoggerConfiguration().Enrich.FromMessageContext()</c>.</summary>
public sealed class DirectLoggingTests
{
    private readonly CapturingSink _sink = new();

    private Logger CreateLogger(Action<MessageContextEnricherOptions>? configure = null) =>
        new LoggerConfiguration().Enrich.FromMessageContext(configure).WriteTo.Sink(_sink).CreateLogger();

    private sealed record Money(decimal Amount, string Currency)
    {
        public override string ToString() => $"{Amount} {Currency}";
    }

    private static readonly ContextVar<Money> Budget = new("budget");
    private static readonly ContextVar<string> PascalRequestId = new("RequestId");

    [Fact]
    public void FromMessageContext_VarsAndRequestContextEntries_AreAddedAsScalarPropertiesByName()
    {
        using var log = CreateLogger();

        Vars.InRequest("r-1", () =>
        {
            RequestContext.Set("region", "east");
            RequestContext.Set("attempt", 3);
            log.Information("placed");
            return 0;
        });

        var logged = Assert.Single(_sink.Events);
        Assert.Equal("r-1", logged.Scalar("request-id"));
        Assert.Equal("acme", logged.Scalar("tenant"));
        Assert.Equal("east", logged.Scalar("region"));
        Assert.Equal(3, logged.Scalar("attempt"));
    }

    [Fact]
    public void FromMessageContext_NoContext_AddsNothing()
    {
        using var log = CreateLogger();

        new MessageContext().Run(() => log.Information("outside any request"));

        Assert.Empty(Assert.Single(_sink.Events).Properties);
    }

    [Fact]
    public void FromMessageContext_ValueOfAnyType_IsAScalarNeverDestructured()
    {
        using var log = CreateLogger();

        new MessageContext().Run(() =>
        {
            Budget.Set(new Money(12.5m, "EUR"));
            log.Information("budgeted");
        });

        var property = Assert.Single(_sink.Events).Properties["budget"];
        var scalar = Assert.IsType<ScalarValue>(property);
        Assert.Equal(new Money(12.5m, "EUR"), scalar.Value);
        Assert.Equal("12.5 EUR", scalar.ToString(null, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void FromMessageContext_IncludedNames_OnlyThoseAppear()
    {
        using var log = CreateLogger(o => o.IncludedNames.Add("request-id"));

        Vars.InRequest("r-2", () =>
        {
            RequestContext.Set("region", "east");
            log.Information("placed");
            return 0;
        });

        var logged = Assert.Single(_sink.Events);
        Assert.Equal(["request-id"], logged.Properties.Keys);
        Assert.Equal("r-2", logged.Scalar("request-id"));
    }

    [Fact]
    public void FromMessageContext_ExcludedNames_NeverAppear_AlsoWhenIncluded()
    {
        using var log = CreateLogger(o =>
        {
            o.IncludedNames.Add("request-id");
            o.IncludedNames.Add("auth-token");
            o.ExcludedNames.Add("auth-token");
        });

        Vars.InRequest("r-3", () =>
        {
            Vars.AuthToken.Set("secret");
            log.Information("placed");
            return 0;
        });

        var logged = Assert.Single(_sink.Events);
        Assert.Equal(["request-id"], logged.Properties.Keys);
    }

    [Fact]
    public void FromMessageContext_ExcludedNamesAlone_HideOnlyThose()
    {
        using var log = CreateLogger(o => o.ExcludedNames.Add("auth-token"));

        Vars.InRequest("r-4", () =>
        {
            Vars.AuthToken.Set("secret");
            log.Information("placed");
            return 0;
        });

        var logged = Assert.Single(_sink.Events);
        Assert.Equal(["request-id", "tenant"], logged.Properties.Keys.Order());
    }

    [Fact]
    public void FromMessageContext_OptionsChangedAfterTheLoggerIsBuilt_ChangeNothing()
    {
        MessageContextEnricherOptions? kept = null;
        using var log = CreateLogger(o =>
        {
            o.IncludedNames.Add("request-id");
            kept = o;
        });
        kept!.IncludedNames.Clear();
        kept.ExcludedNames.Add("request-id");

        Vars.InRequest("r-5", () =>
        {
            log.Information("placed");
            return 0;
        });

        Assert.Equal(["request-id"], Assert.Single(_sink.Events).Properties.Keys);
    }

    [Fact]
    public void FromMessageContext_FlowDeadline_NeverAppears_AlsoWhenNamedInIncludedNames()
    {
        using var all = CreateLogger();
        using var named = CreateLogger(o => o.IncludedNames.Add("actor-context.deadline"));

        Vars.InRequest("r-6", () =>
        {
            using var deadline = FlowDeadline.WithTimeout(TimeSpan.FromMinutes(1));
            all.Information("with a deadline");
            named.Information("with a deadline, named");
            return 0;
        });

        var events = _sink.Events.ToArray();
        Assert.Equal(2, events.Length);
        Assert.Equal(["request-id", "tenant"], events[0].Properties.Keys.Order());
        Assert.Empty(events[1].Properties);
    }

    [Fact]
    public void FromMessageContext_PropertyOfTheSameNameInTheTemplate_Wins()
    {
        using var log = CreateLogger();

        new MessageContext().Run(() =>
        {
            PascalRequestId.Set("from-context");
            log.Information("explicit {RequestId}", "from-template");
        });

        Assert.Equal("from-template", Assert.Single(_sink.Events).Scalar("RequestId"));
    }

    [Fact]
    public void FromMessageContext_KeyThatIsNotAValidPropertyName_IsSkipped_OthersStillAppear()
    {
        using var log = CreateLogger();

        Vars.InRequest("r-7", () =>
        {
            RequestContext.Set(" ", "blank key");
            log.Information("placed");
            return 0;
        });

        var logged = Assert.Single(_sink.Events);
        Assert.Equal(["request-id", "tenant"], logged.Properties.Keys.Order());
    }

    [Fact]
    public async Task FromMessageContext_ConcurrentRequests_EachEventCarriesItsOwnRequestsValues()
    {
        using var log = CreateLogger();
        const int requests = 200;

        await Task.WhenAll(Enumerable.Range(0, requests).Select(i => Vars.InRequest($"c-{i}", async () =>
        {
            log.Information("begin {Request}", i);
            await Task.Yield();
            await Task.Delay(i % 7);
            log.Information("after await {Request}", i);
            await Task.Run(() => log.Information("on the pool {Request}", i));
        })));

        var events = _sink.Events.ToArray();
        Assert.Equal(3 * requests, events.Length);
        Assert.All(events, e => Assert.Equal($"c-{e.Scalar("Request")}", e.Scalar("request-id")));
    }

    [Fact]
    public void FromMessageContext_NullConfiguration_Throws()
    {
        Assert.Throws<ArgumentNullException>("enrich", () => MessageContextLoggerConfigurationExtensions.FromMessageContext(null!));
    }
}
