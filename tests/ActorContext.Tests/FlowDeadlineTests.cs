namespace ActorContext.Tests;

public class FlowDeadlineTests
{
    [Fact]
    public void WithTimeout_InfiniteTimeSpan_SetsNoDeadlineOfItsOwnButCancels()
    {
        using (var flow = FlowDeadline.WithTimeout(Timeout.InfiniteTimeSpan))
        {
            Assert.Null(FlowDeadline.Remaining);
            Assert.False(FlowDeadline.IsExpired);
            flow.Cancel();
            Assert.True(FlowDeadline.IsExpired);
        }
    }

    [Fact]
    public void WithTimeout_MaxValue_DoesNotOverflowAndNeverExpires()
    {
        using (FlowDeadline.WithTimeout(TimeSpan.MaxValue))
        {
            Assert.Null(FlowDeadline.Remaining);
            Assert.False(FlowDeadline.IsExpired);
        }
    }

    [Fact]
    public void WithTimeout_InfiniteInsideAShorterScope_KeepsTheInheritedDeadline()
    {
        using (FlowDeadline.WithTimeout(TimeSpan.FromMinutes(1)))
        using (FlowDeadline.WithTimeout(Timeout.InfiniteTimeSpan))
        {
            var remaining = Assert.NotNull(FlowDeadline.Remaining);
            Assert.InRange(remaining, TimeSpan.Zero, TimeSpan.FromMinutes(1));
        }
    }

    [Fact]
    public void WithTimeout_Negative_ThrowsWithAdvice()
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() => FlowDeadline.WithTimeout(TimeSpan.FromSeconds(-1)));
        Assert.Equal("timeout", error.ParamName);
        Assert.Contains("Timeout.InfiniteTimeSpan", error.Message);
        Assert.Null(FlowDeadline.Remaining);
    }

    [Fact]
    public void WithDeadline_MaxAndMinValue_DoNotOverflow()
    {
        using (FlowDeadline.WithDeadline(DateTimeOffset.MaxValue))
        {
            Assert.False(FlowDeadline.IsExpired);
        }

        using (FlowDeadline.WithDeadline(DateTimeOffset.MinValue))
        {
            Assert.True(FlowDeadline.IsExpired);
        }
    }

    [Theory]
    [InlineData(long.MaxValue - 1)]
    [InlineData(long.MaxValue / 2)]
    public void Decode_BudgetTooLargeForThisClock_NeverExpiresInsteadOfOverflowing(long ticks)
    {
        var bytes = BitConverter.GetBytes(ticks);
        if (!BitConverter.IsLittleEndian)
        {
            Array.Reverse(bytes);
        }

        var scope = (FlowScope)((IWireVar)FlowDeadline.Current).DecodeValue(bytes)!;

        Assert.False(scope.IsDone);
    }
}
