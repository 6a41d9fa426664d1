using Akka.Actor;
using Akka.Configuration;
using Akka.Dispatch;
using Akka.Event;

namespace ActorContext.Akka.Internal;

/// <summary>
/// Wraps Akka's scheduler so scheduled work runs with the context of the code that scheduled it.
/// </summary>
/// <remarks>
/// The stock scheduler starts its worker with <c>Task.Run</c> the first time anything is scheduled, which captures
/// that first caller's ExecutionContext and leaks it into every later scheduled tell and action. Here every
/// schedule captures its caller's context itself and calls the inner scheduler with ExecutionContext flow
/// suppressed. Tells to context-aware refs carry the context as the usual wrapper (timers included); other
/// receivers and actions run with the captured context made current around them.
/// </remarks>
internal sealed class ContextScheduler : SchedulerBase, IDateTimeOffsetNowTimeProvider, IDisposable
{
    internal const string InnerImplementationPath = "actor-context.inner-scheduler";

    private readonly IScheduler _inner;

    public ContextScheduler(Config config, ILoggingAdapter log)
        : base(config, log)
    {
        // Every propagating system has this scheduler: from now on, notice when tracing starts being used.
        TraceCapture.Watch();
        var innerType = config.GetString(InnerImplementationPath, string.Empty);
        if (string.IsNullOrWhiteSpace(innerType))
        {
            _inner = new HashedWheelTimerScheduler(config, log);
            return;
        }

        var type = Type.GetType(innerType, throwOnError: false)
            ?? throw new ConfigurationException($"{InnerImplementationPath} names type [{innerType}], which could not be loaded.");
        // Any Akka scheduler will do: it is only called through Akka's scheduler interfaces.
        _inner = Activator.CreateInstance(type, config, log) as IScheduler
            ?? throw new ConfigurationException(
                $"akka.scheduler.implementation [{innerType}] is not an Akka scheduler (Akka.Actor.IScheduler with a (Config, ILoggingAdapter) constructor).");
    }

    protected override DateTimeOffset TimeNow => _inner.Now;

    public override TimeSpan MonotonicClock => _inner.MonotonicClock;

    public override TimeSpan HighResMonotonicClock => _inner.HighResMonotonicClock;

    protected override void InternalScheduleTellOnce(TimeSpan delay, ICanTell receiver, object message, IActorRef sender, ICancelable cancelable)
    {
        ScheduledContext.CaptureOnce(ref receiver, ref message);
        using var _ = ScheduledContext.SuppressFlow();
        _inner.ScheduleTellOnce(delay, receiver, message, sender, cancelable);
    }

    protected override void InternalScheduleTellRepeatedly(TimeSpan initialDelay, TimeSpan interval, ICanTell receiver, object message, IActorRef sender, ICancelable cancelable)
    {
        ScheduledContext.CaptureRepeating(ref receiver, ref message);
        using var _ = ScheduledContext.SuppressFlow();
        _inner.ScheduleTellRepeatedly(initialDelay, interval, receiver, message, sender, cancelable);
    }

    protected override void InternalScheduleOnce(TimeSpan delay, Action action, ICancelable cancelable)
    {
        var run = ScheduledContext.CaptureOnce(action);
        using var _ = ScheduledContext.SuppressFlow();
        _inner.Advanced.ScheduleOnce(delay, run, cancelable);
    }

    protected override void InternalScheduleOnce(TimeSpan delay, IRunnable action, ICancelable cancelable)
    {
        var run = ScheduledContext.CaptureOnce(action);
        using var _ = ScheduledContext.SuppressFlow();
        _inner.Advanced.ScheduleOnce(delay, run, cancelable);
    }

    protected override void InternalScheduleRepeatedly(TimeSpan initialDelay, TimeSpan interval, Action action, ICancelable cancelable)
    {
        var run = ScheduledContext.CaptureRepeating(action);
        using var _ = ScheduledContext.SuppressFlow();
        _inner.Advanced.ScheduleRepeatedly(initialDelay, interval, run, cancelable);
    }

    protected override void InternalScheduleRepeatedly(TimeSpan initialDelay, TimeSpan interval, IRunnable action, ICancelable cancelable)
    {
        var run = ScheduledContext.CaptureRepeating(action);
        using var _ = ScheduledContext.SuppressFlow();
        _inner.Advanced.ScheduleRepeatedly(initialDelay, interval, run, cancelable);
    }

    public void Dispose() => (_inner as IDisposable)?.Dispose();
}
