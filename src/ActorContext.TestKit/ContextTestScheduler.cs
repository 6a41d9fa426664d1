using ActorContext.Akka.Infrastructure;
using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Event;
using Akka.TestKit;

namespace ActorContext.TestKit;

/// <summary>
/// Akka.TestKit's virtual-time <see cref="TestScheduler"/> with context propagation: what
/// <c>akka.scheduler.implementation = "Akka.TestKit.TestScheduler, Akka.TestKit"</c> becomes under
/// <c>WithMessageContext()</c>.
/// </summary>
/// <remarks>
/// It is a <see cref="TestScheduler"/>, so <c>(TestScheduler)Sys.Scheduler</c> and <see cref="TestScheduler.Advance"/>
/// keep working. Every schedule made through Akka's scheduler interfaces (<c>ScheduleTellOnce</c>,
/// <c>ScheduleTellRepeatedly</c>, <c>Advanced.ScheduleOnce</c>, timers of <c>IWithTimers</c>) captures the context of
/// the code that scheduled it, as the propagating scheduler of a real system does: a message scheduled under
/// <c>"t-1"</c> is delivered with <c>"t-1"</c> when the test advances time, on every tick of a repeating schedule.
/// </remarks>
public sealed class ContextTestScheduler : TestScheduler, IScheduler, IAdvancedScheduler
{
    /// <summary>Creates the scheduler; Akka calls this when the actor system starts.</summary>
    /// <param name="schedulerConfig">The scheduler's configuration.</param>
    /// <param name="log">The system's log.</param>
    public ContextTestScheduler(Config schedulerConfig, ILoggingAdapter log)
        : base(schedulerConfig, log)
    {
    }

    IAdvancedScheduler IScheduler.Advanced => this;

    void ITellScheduler.ScheduleTellOnce(TimeSpan delay, ICanTell receiver, object message, IActorRef sender)
    {
        ScheduledCapture.Once(ref receiver, ref message);
        ScheduleTellOnce(delay, receiver, message, sender);
    }

    void ITellScheduler.ScheduleTellOnce(TimeSpan delay, ICanTell receiver, object message, IActorRef sender, ICancelable cancelable)
    {
        ScheduledCapture.Once(ref receiver, ref message);
        ScheduleTellOnce(delay, receiver, message, sender, cancelable);
    }

    void ITellScheduler.ScheduleTellRepeatedly(TimeSpan initialDelay, TimeSpan interval, ICanTell receiver, object message, IActorRef sender)
    {
        ScheduledCapture.Repeating(ref receiver, ref message);
        ScheduleTellRepeatedly(initialDelay, interval, receiver, message, sender);
    }

    void ITellScheduler.ScheduleTellRepeatedly(TimeSpan initialDelay, TimeSpan interval, ICanTell receiver, object message, IActorRef sender, ICancelable cancelable)
    {
        ScheduledCapture.Repeating(ref receiver, ref message);
        ScheduleTellRepeatedly(initialDelay, interval, receiver, message, sender, cancelable);
    }

    void IActionScheduler.ScheduleOnce(TimeSpan delay, Action action, ICancelable cancelable) =>
        ScheduleOnce(delay, ScheduledCapture.Once(action), cancelable);

    void IActionScheduler.ScheduleOnce(TimeSpan delay, Action action) =>
        ScheduleOnce(delay, ScheduledCapture.Once(action));

    void IActionScheduler.ScheduleRepeatedly(TimeSpan initialDelay, TimeSpan interval, Action action, ICancelable cancelable) =>
        ScheduleRepeatedly(initialDelay, interval, ScheduledCapture.Repeating(action), cancelable);

    void IActionScheduler.ScheduleRepeatedly(TimeSpan initialDelay, TimeSpan interval, Action action) =>
        ScheduleRepeatedly(initialDelay, interval, ScheduledCapture.Repeating(action));

    void IRunnableScheduler.ScheduleOnce(TimeSpan delay, IRunnable action, ICancelable cancelable) =>
        ScheduleOnce(delay, ScheduledCapture.Once(action), cancelable);

    void IRunnableScheduler.ScheduleOnce(TimeSpan delay, IRunnable action) =>
        ScheduleOnce(delay, ScheduledCapture.Once(action));

    void IRunnableScheduler.ScheduleRepeatedly(TimeSpan initialDelay, TimeSpan interval, IRunnable action, ICancelable cancelable) =>
        ScheduleRepeatedly(initialDelay, interval, ScheduledCapture.Repeating(action), cancelable);

    void IRunnableScheduler.ScheduleRepeatedly(TimeSpan initialDelay, TimeSpan interval, IRunnable action) =>
        ScheduleRepeatedly(initialDelay, interval, ScheduledCapture.Repeating(action));
}
