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

    private readonly SchedulerBase _inner;

    public ContextScheduler(Config config, ILoggingAdapter log)
        : base(config, log)
    {
        // Every propagating system has this scheduler: from now on, notice when tracing starts being used.
        TraceCarrier.Watch();
        var innerType = config.GetString(InnerImplementationPath, string.Empty);
        if (string.IsNullOrWhiteSpace(innerType))
        {
            _inner = new HashedWheelTimerScheduler(config, log);
            return;
        }

        var type = Type.GetType(innerType, throwOnError: false)
            ?? throw new ConfigurationException($"{InnerImplementationPath} names type [{innerType}], which could not be loaded.");
        _inner = Activator.CreateInstance(type, config, log) as SchedulerBase
            ?? throw new ConfigurationException($"{InnerImplementationPath} [{innerType}] is not an Akka SchedulerBase.");
    }

    protected override DateTimeOffset TimeNow => ((IScheduler)_inner).Now;

    public override TimeSpan MonotonicClock => _inner.MonotonicClock;

    public override TimeSpan HighResMonotonicClock => _inner.HighResMonotonicClock;

    protected override void InternalScheduleTellOnce(TimeSpan delay, ICanTell receiver, object message, IActorRef sender, ICancelable cancelable)
    {
        // A buffering actor's re-send through the scheduler keeps the context the message arrived with.
        Capture(ref receiver, ref message, Propagation.ContextFor(message));
        using var _ = SuppressFlow();
        ((ITellScheduler)_inner).ScheduleTellOnce(delay, receiver, message, sender, cancelable);
    }

    protected override void InternalScheduleTellRepeatedly(TimeSpan initialDelay, TimeSpan interval, ICanTell receiver, object message, IActorRef sender, ICancelable cancelable)
    {
        // A repeating schedule outlives the request that started it: its ticks carry the context but not the trace.
        Capture(ref receiver, ref message, Propagation.CaptureUntraced());
        using var _ = SuppressFlow();
        ((ITellScheduler)_inner).ScheduleTellRepeatedly(initialDelay, interval, receiver, message, sender, cancelable);
    }

    protected override void InternalScheduleOnce(TimeSpan delay, Action action, ICancelable cancelable)
    {
        var run = Capture(action, Propagation.Capture());
        using var _ = SuppressFlow();
        ((IScheduler)_inner).Advanced.ScheduleOnce(delay, run, cancelable);
    }

    protected override void InternalScheduleOnce(TimeSpan delay, IRunnable action, ICancelable cancelable)
    {
        var run = Capture(action, Propagation.Capture());
        using var _ = SuppressFlow();
        ((IScheduler)_inner).Advanced.ScheduleOnce(delay, run, cancelable);
    }

    protected override void InternalScheduleRepeatedly(TimeSpan initialDelay, TimeSpan interval, Action action, ICancelable cancelable)
    {
        var run = Capture(action, Propagation.CaptureUntraced());
        using var _ = SuppressFlow();
        ((IScheduler)_inner).Advanced.ScheduleRepeatedly(initialDelay, interval, run, cancelable);
    }

    protected override void InternalScheduleRepeatedly(TimeSpan initialDelay, TimeSpan interval, IRunnable action, ICancelable cancelable)
    {
        var run = Capture(action, Propagation.CaptureUntraced());
        using var _ = SuppressFlow();
        ((IScheduler)_inner).Advanced.ScheduleRepeatedly(initialDelay, interval, run, cancelable);
    }

    public void Dispose() => (_inner as IDisposable)?.Dispose();

    private static void Capture(ref ICanTell receiver, ref object message, ContextSnapshot? context)
    {
        if (context is null || context.IsEmpty)
        {
            return;
        }

        if (receiver is IContextAwareRef)
        {
            message = Propagation.Wrap(message, context);
        }
        else
        {
            receiver = new ContextRestoringReceiver(receiver, context);
        }
    }

    private static Action Capture(Action action, ContextSnapshot? context) =>
        context is null || context.IsEmpty ? action : () => Propagation.RunIn(context, action);

    private static IRunnable Capture(IRunnable runnable, ContextSnapshot? context) =>
        context is null || context.IsEmpty ? runnable : new ContextRestoringRunnable(runnable, context);

    private static AsyncFlowControl SuppressFlow() =>
        ExecutionContext.IsFlowSuppressed() ? default : ExecutionContext.SuppressFlow();

    /// <summary>Tells a receiver that cannot unwrap (a temp Ask actor, a selection, a remote ref) under the captured context.</summary>
    private sealed class ContextRestoringReceiver(ICanTell receiver, ContextSnapshot context) : ICanTell
    {
        public void Tell(object message, IActorRef sender) => Propagation.RunIn(context, () => receiver.Tell(message, sender));
    }

    private sealed class ContextRestoringRunnable(IRunnable runnable, ContextSnapshot context) : IRunnable
    {
        public void Run() => Propagation.RunIn(context, runnable.Run);

#if NET6_0_OR_GREATER
        public void Execute() => Run();
#endif
    }
}
