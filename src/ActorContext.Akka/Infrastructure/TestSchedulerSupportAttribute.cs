using System.ComponentModel;

namespace ActorContext.Akka.Infrastructure;

/// <summary>
/// Declares, on the ActorContext.TestKit assembly, the virtual-time scheduler that propagates contexts: the engine reads
/// it to stand it in for Akka.TestKit's <c>TestScheduler</c>, which it cannot wrap.
/// </summary>
/// <remarks>
/// For ActorContext packages; not for applications; changes between versions, which is why ActorContext packages depend
/// on each other at exactly one version.
/// </remarks>
/// <param name="scheduler">The scheduler: a <c>TestScheduler</c> that captures contexts.</param>
[EditorBrowsable(EditorBrowsableState.Never)]
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = false)]
public sealed class TestSchedulerSupportAttribute(Type scheduler) : Attribute
{
    /// <summary>The scheduler: a <c>TestScheduler</c> that captures contexts.</summary>
    public Type Scheduler { get; } = scheduler;
}
