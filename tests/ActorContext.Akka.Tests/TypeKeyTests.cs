using ActorContext.Akka.Internal;
using Akka.Actor.Scheduler;

namespace ActorContext.Akka.Tests;

/// <summary>The method-table key the propagation path uses instead of <c>GetType()</c> for per-message type tests.</summary>
public class TypeKeyTests
{
    private sealed class Sample;

    private sealed record Other(int N);

    [Fact]
    public void Of_InstanceAndType_AreTheSameKey_AndDifferBetweenTypes()
    {
        Assert.Equal(TypeKey.Of(typeof(Sample)), TypeKey.Of(new Sample()));
        Assert.Equal(TypeKey.Of(new Sample()), TypeKey.Of(new Sample()));
        Assert.Equal(TypeKey.Of(typeof(Other)), TypeKey.Of(new Other(1)));
        Assert.Equal(TypeKey.Of(typeof(string)), TypeKey.Of("text"));
        Assert.NotEqual(TypeKey.Of(new Sample()), TypeKey.Of(new Other(1)));
        Assert.NotEqual(TypeKey.Of((object)1), TypeKey.Of((object)1L));
        Assert.Equal(0, TypeKey.Of((Type?)null));
    }

    [Fact]
    public void Of_AkkasScheduledTellTypes_MatchTheirInstances()
    {
        // The cell recognises Akka's (internal) scheduled-tell wrappers by this key.
        var scheduledTell = typeof(IScheduledTellMsg).Assembly.GetType("Akka.Actor.Scheduler.ScheduledTellMsg");
        Assert.NotNull(scheduledTell);
        var instance = System.Runtime.CompilerServices.RuntimeHelpers.GetUninitializedObject(scheduledTell!);
        Assert.Equal(TypeKey.Of(scheduledTell), TypeKey.Of(instance));
    }
}
