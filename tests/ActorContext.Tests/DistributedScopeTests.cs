using System.Text;

namespace ActorContext.Tests;

/// <summary>Declaring vars that cross nodes, and the size limit that guards the wire.</summary>
[Collection(DistributedLimitCollection.Name)]
public class DistributedScopeTests
{
    private sealed record Money(decimal Amount, string Currency);

    private sealed class MoneyCodec : IContextCodec<Money>
    {
        public byte[] Encode(Money value) => Encoding.UTF8.GetBytes($"{value.Amount}|{value.Currency}");

        public Money Decode(ReadOnlySpan<byte> bytes)
        {
            var parts = Encoding.UTF8.GetString(bytes).Split('|');
            return new Money(decimal.Parse(parts[0]), parts[1]);
        }
    }

    private static string Unique(string name) => $"{name}-{Guid.NewGuid():N}";

    [Fact]
    public void Constructor_DefaultScope_IsProcess()
    {
        Assert.Equal(ContextScope.Process, new ContextVar<string>("plain").Scope);
        Assert.Equal(ContextScope.Process, new ContextVar<Money>("money-local", new Money(1, "EUR")).Scope);
    }

    [Fact]
    public void Constructor_DistributedWireSafeType_Succeeds()
    {
        Assert.Equal(ContextScope.Distributed, new ContextVar<Guid>(Unique("guid"), ContextScope.Distributed).Scope);
        Assert.Equal(ContextScope.Distributed, new ContextVar<int?>(Unique("nullable-int"), ContextScope.Distributed).Scope);
        Assert.Equal(ContextScope.Distributed, new ContextVar<byte[]>(Unique("bytes"), ContextScope.Distributed).Scope);
    }

    [Fact]
    public void Constructor_DistributedNonWireSafeType_ThrowsNamingTypeAndFix()
    {
        var error = Assert.Throws<ArgumentException>(() => new ContextVar<Money>(Unique("money"), ContextScope.Distributed));

        Assert.Contains("Money", error.Message);
        Assert.Contains("codec", error.Message);
        Assert.Contains("ContextScope.Process", error.Message);
    }

    [Fact]
    public void Constructor_DistributedWithCodec_Succeeds()
    {
        var money = new ContextVar<Money>(Unique("money"), new MoneyCodec());
        Assert.Equal(ContextScope.Distributed, money.Scope);
    }

    [Fact]
    public void Constructor_TwoLiveDistributedVarsWithOneName_SecondThrows()
    {
        var name = Unique("dup");
        var first = new ContextVar<string>(name, ContextScope.Distributed);

        var error = Assert.Throws<ArgumentException>(() => new ContextVar<string>(name, ContextScope.Distributed));

        Assert.Contains(name, error.Message);
        GC.KeepAlive(first);
    }

    [Fact]
    public void Constructor_ProcessVarsSharingANameWithADistributedVar_AreFine()
    {
        var name = Unique("shared-name");
        var distributed = new ContextVar<string>(name, ContextScope.Distributed);
        var local = new ContextVar<string>(name);
        Assert.NotSame(distributed, local);
    }

    [Fact]
    public void Constructor_DistributedNameOver256Bytes_Throws()
    {
        Assert.Throws<ArgumentException>(() => new ContextVar<string>(new string('n', 257), ContextScope.Distributed));
    }

    [Fact]
    public void Constructor_UndefinedScope_ThrowsArgumentOutOfRange()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ContextVar<string>("bad-scope", (ContextScope)7));
    }

    [Fact]
    public void RequestContextSet_NonWireSafeValue_ThrowsAndChangesNothing()
    {
        Ambient.Run(() =>
        {
            RequestContext.Set("kept", "v");
            var error = Assert.Throws<ArgumentException>(() => RequestContext.Set("obj", new Money(1, "EUR")));
            Assert.Contains("Money", error.Message);
            Assert.Null(RequestContext.Get("obj"));
            Assert.Equal(new[] { "kept" }, RequestContext.Keys);
        });
    }

    [Fact]
    public void Set_DistributedValueOverTheLimit_ThrowsTooLargeAndChangesNothing()
    {
        var var = new ContextVar<string>(Unique("big"), ContextScope.Distributed);
        Ambient.Run(() =>
        {
            var.Set("small");
            var error = Assert.Throws<ContextTooLargeException>(() => var.Set(new string('x', DistributedContext.MaxEncodedBytes)));

            Assert.Equal("small", var.Get());
            Assert.True(error.EncodedBytes > error.Limit);
            Assert.Equal(DistributedContext.MaxEncodedBytes, error.Limit);
            Assert.Contains(var.Name, error.Message);
        });
    }

    [Fact]
    public void Set_ProcessValueOfAnySize_IsNotLimited()
    {
        var var = new ContextVar<string>("big-local");
        Ambient.Run(() =>
        {
            var.Set(new string('x', 100_000));
            Assert.Equal(100_000, var.Get().Length);
        });
    }

    [Fact]
    public void Set_ManyDistributedEntriesAddingUp_LimitCountsTheirSum()
    {
        var vars = Enumerable.Range(0, 10).Select(i => new ContextVar<string>(Unique($"part{i}"), ContextScope.Distributed)).ToArray();
        Ambient.Run(() =>
        {
            var chunk = new string('y', DistributedContext.MaxEncodedBytes / 8);
            var set = 0;
            var error = Assert.Throws<ContextTooLargeException>(() =>
            {
                foreach (var v in vars)
                {
                    v.Set(chunk);
                    set++;
                }
            });

            Assert.InRange(set, 6, 8);
            Assert.False(vars[set].TryGet(out _));
            Assert.True(error.EncodedBytes > DistributedContext.MaxEncodedBytes);
        });
    }

    [Fact]
    public void RequestContextSet_OverTheLimit_ThrowsTooLarge()
    {
        Ambient.Run(() =>
        {
            Assert.Throws<ContextTooLargeException>(() => RequestContext.Set("huge", new byte[DistributedContext.MaxEncodedBytes]));
            Assert.Null(RequestContext.Get("huge"));
        });
    }

    [Fact]
    public void MaxEncodedBytes_LoweredAndRaised_AppliesToLaterSets()
    {
        var var = new ContextVar<string>(Unique("limit"), ContextScope.Distributed);
        var original = DistributedContext.MaxEncodedBytes;
        try
        {
            DistributedContext.MaxEncodedBytes = 128;
            Ambient.Run(() => Assert.Throws<ContextTooLargeException>(() => var.Set(new string('z', 200))));
            DistributedContext.MaxEncodedBytes = 1024;
            Ambient.Run(() => Assert.Equal(200, var.Set(new string('z', 200)) is not null ? var.Get().Length : 0));
        }
        finally
        {
            DistributedContext.MaxEncodedBytes = original;
        }
    }

    [Theory]
    [InlineData(63)]
    [InlineData(1024 * 1024 + 1)]
    public void MaxEncodedBytes_OutOfRange_Throws(int value)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => DistributedContext.MaxEncodedBytes = value);
    }
}

/// <summary>Tests that change or depend on the process-wide size limit run one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DistributedLimitCollection
{
    public const string Name = "distributed context limit";
}
