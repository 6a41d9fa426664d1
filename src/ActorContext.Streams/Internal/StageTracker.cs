using Akka.Streams.Implementation.Fusing;

namespace ActorContext.Streams.Internal;

/// <summary>
/// What one stage (or one input boundary) of a running stream remembers to give each element it pushes its context.
/// </summary>
/// <remarks>
/// Everything here runs on the interpreter actor's thread, one handler at a time: no locks. A stage that pushes only
/// from the handler of the element it pushes is tagged right after that handler; a stage that keeps elements and
/// pushes them later keeps their contexts in a queue, in arrival order, next to the elements themselves. Whenever a
/// pushed element cannot be matched to exactly one remembered element, it gets the materialization context — never a
/// guess.
/// </remarks>
internal sealed class StageTracker
{
    // Beyond this many remembered elements something is not being matched (a stage that drops silently, handlers
    // replaced by the stage): stop remembering rather than grow without bound.
    private const int MaxRemembered = 1 << 16;

    private object?[] _elements = new object?[8];
    private ContextSnapshot?[] _contexts = new ContextSnapshot?[8];
    private int _head;
    private int _count;

    // Group: the context shared by every element since the last push, until they differ.
    private ContextSnapshot? _groupContext;
    private bool _groupStarted;
    private bool _groupMixed;

    // Batch: the context of the newest element, kept apart because the stage may keep that element for its next push;
    // and the context decided for what it pushed, until the stage downstream handles it.
    private ContextSnapshot? _newestContext;
    private bool _hasNewest;
    private ContextSnapshot? _pushedContext;
    private bool _pushed;

    internal StageTracker(StageKind kind, bool mayDrop, bool fedByCallbacks = false)
    {
        Kind = kind;
        MayDrop = mayDrop;
        FedByCallbacks = fedByCallbacks;
    }

    /// <summary>
    /// Whether the elements it pushes come from async callbacks (Source.Queue's offers, SelectAsyncUnordered's completed
    /// tasks) rather than from its input.
    /// </summary>
    internal bool FedByCallbacks { get; }

    internal StageKind Kind { get; private set; }

    /// <summary>
    /// A stage whose one element comes from a task (Source.FromTask): its pulls run with the execution context's flow
    /// suppressed, so the continuation it registers runs under the context of the code that completed the task, and
    /// a completion that brings no context gives the element the materialization context.
    /// </summary>
    internal bool ContextOfCompleter { get; init; }

    /// <summary>
    /// For a <see cref="StageKind.Batch"/> that pushed while handling an element: whether it holds an aggregate, which it
    /// then began with that element (read right after the push; on a pull, the stage may complete and keep its last one).
    /// </summary>
    internal Func<bool>? KeepsNewest { get; init; }

    /// <summary>For a <see cref="StageKind.Batch"/>: whether the stage holds the newest element back, to begin its next aggregate with it.</summary>
    internal Func<bool>? HoldsNewest { get; init; }

    /// <summary>
    /// For a <see cref="StageKind.Batch"/> about to be pulled: the context of the element it holds back, which the pull
    /// begins the next aggregate with (its seed function runs then); null when it holds none.
    /// </summary>
    internal ContextSnapshot? HeldBack(ContextSnapshot? materialization, out bool held)
    {
        held = _hasNewest && HoldsNewest!();
        return held ? _newestContext : materialization;
    }

    /// <summary>For a <see cref="StageKind.Reads"/>: the context of a pushed element, given the materialization context.</summary>
    internal Func<object, ContextSnapshot?, ContextSnapshot?>? ReadContext { get; init; }

    /// <summary>Whether the stage may drop elements it received (an overflow strategy that drops), so a match is checked for ambiguity.</summary>
    internal bool MayDrop { get; }

    /// <summary>Gives up carrying for this stage: its output runs under the materialization context from now on.</summary>
    internal void GiveUp()
    {
        Kind = StageKind.Opaque;
        _elements = [];
        _contexts = [];
        _head = 0;
        _count = 0;
    }

    /// <summary>Remembers that <paramref name="element"/> reached the stage under <paramref name="context"/>.</summary>
    internal void Arrived(object? element, ContextSnapshot? context)
    {
        switch (Kind)
        {
            case StageKind.Queue:
            case StageKind.Ordered:
            case StageKind.AckSender:
            case StageKind.Runs:
                if (_count == MaxRemembered)
                {
                    GiveUp();
                    return;
                }

                if (_count == _elements.Length)
                {
                    Grow();
                }

                var tail = (_head + _count) & (_elements.Length - 1);
                _elements[tail] = Kind is StageKind.Queue or StageKind.Runs ? element : null;
                _contexts[tail] = context;
                _count++;
                break;

            case StageKind.Group:
                AddToGroup(context);
                break;

            case StageKind.Batch:
                if (_hasNewest)
                {
                    AddToGroup(_newestContext);
                }

                _hasNewest = true;
                _newestContext = context;
                break;
        }
    }

    private void AddToGroup(ContextSnapshot? context)
    {
        if (!_groupStarted)
        {
            _groupStarted = true;
            _groupContext = context;
        }
        else if (!ReferenceEquals(_groupContext, context))
        {
            _groupMixed = true;
        }
    }

    private ContextSnapshot? TakeGroup(ContextSnapshot? materialization)
    {
        var context = _groupStarted && !_groupMixed ? _groupContext : materialization;
        _groupStarted = false;
        _groupMixed = false;
        _groupContext = null;
        return context;
    }

    /// <summary>
    /// A <see cref="StageKind.Batch"/> stage just pushed: decides the context of what it pushed, from the elements that
    /// reached it since its last push, leaving out the newest when <paramref name="keptNewest"/> (the stage began its next
    /// aggregate with it).
    /// </summary>
    internal void Pushed(bool keptNewest, ContextSnapshot? materialization)
    {
        if (_hasNewest && !keptNewest)
        {
            AddToGroup(_newestContext);
            _hasNewest = false;
            _newestContext = null;
        }

        _pushedContext = TakeGroup(materialization);
        _pushed = true;
    }

    /// <summary>
    /// The context of <paramref name="pushed"/>, which the stage just pushed: found among the remembered elements; the
    /// materialization context when it cannot be told for sure.
    /// </summary>
    internal ContextSnapshot? Left(object pushed, ContextSnapshot? materialization)
    {
        switch (Kind)
        {
            case StageKind.Queue:
                return TakeMatching(pushed, materialization);

            case StageKind.Ordered:
                if (_count == 0)
                {
                    return materialization;
                }

                return TakeHead();

            case StageKind.Group:
                return TakeGroup(materialization);

            case StageKind.Batch:
                if (!_pushed)
                {
                    return materialization;
                }

                var batch = _pushedContext;
                _pushed = false;
                _pushedContext = null;
                return batch;

            case StageKind.Reads:
                return ReadContext!(pushed, materialization);

            case StageKind.Runs:
                return TakeRun(pushed, materialization);

            default:
                return materialization;
        }
    }

    /// <summary>The context of the oldest remembered element, which an <see cref="StageKind.AckSender"/> sends next; null when none is remembered.</summary>
    internal ContextSnapshot? PeekHead(out bool any)
    {
        any = _count > 0;
        return any ? _contexts[_head] : null;
    }

    /// <summary>
    /// Forgets the oldest remembered elements the stage no longer holds: it sends from the front of its buffer only,
    /// so what it holds is always the newest <see cref="Held"/> of what it received.
    /// </summary>
    internal void SyncHeld()
    {
        var held = Held!();
        while (_count > held)
        {
            TakeHead();
        }
    }

    /// <summary>How many elements the stage holds now, as far as it tells (Sink.ActorRefWithAck's buffer); -1 if unknown.</summary>
    internal Func<int>? Held { get; init; }

    private ContextSnapshot? TakeHead()
    {
        var context = _contexts[_head];
        _elements[_head] = null;
        _contexts[_head] = null;
        _head = (_head + 1) & (_elements.Length - 1);
        _count--;
        return context;
    }

    /// <summary>
    /// The context of a pushed list: the next elements remembered, one for each in the list and equal to it, share it.
    /// Anything else means the stage's runs are not what this tracker thinks (an element it dropped): it gives up.
    /// </summary>
    private ContextSnapshot? TakeRun(object pushed, ContextSnapshot? materialization)
    {
        if (pushed is not System.Collections.ICollection run || run.Count > _count
            || s_runCheckers.GetOrAdd(pushed.GetType(), RunChecker) is not { } matches
            || !matches(pushed, _elements, _head, _elements.Length - 1))
        {
            GiveUp();
            return materialization;
        }

        for (var taken = 0; taken < run.Count; taken++)
        {
            AddToGroup(TakeHead());
        }

        return TakeGroup(materialization);
    }

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<Type, Func<object, object?[], int, int, bool>?> s_runCheckers = new();

    // A List<T> is compared with the remembered (boxed) elements as T: no boxing of its items.
    private static Func<object, object?[], int, int, bool>? RunChecker(Type type) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == typeof(List<>)
            ? typeof(StageTracker).GetMethod(nameof(RunMatches), System.Reflection.BindingFlags.Static | System.Reflection.BindingFlags.NonPublic)!
                .MakeGenericMethod(type.GetGenericArguments()[0]).CreateDelegate<Func<object, object?[], int, int, bool>>()
            : null;

    private static bool RunMatches<T>(object pushed, object?[] elements, int head, int mask)
    {
        var run = (List<T>)pushed;
        for (var i = 0; i < run.Count; i++)
        {
            if (elements[(head + i) & mask] is not T remembered || !EqualityComparer<T>.Default.Equals(remembered, run[i]))
            {
                return false;
            }
        }

        return true;
    }

    private ContextSnapshot? TakeMatching(object pushed, ContextSnapshot? materialization)
    {
        var mask = _elements.Length - 1;
        var found = -1;
        for (var i = 0; i < _count; i++)
        {
            if (Matches(_elements[(_head + i) & mask], pushed))
            {
                found = i;
                break;
            }
        }

        if (found < 0)
        {
            // An element the stage had before it was tracked, or made itself: not one of ours.
            return materialization;
        }

        var context = _contexts[(_head + found) & mask];
        if (found > 0 || MayDrop)
        {
            // Elements ahead of it left unseen or were dropped; an equal element further on with another context makes
            // the match ambiguous (a dropping buffer may have dropped either).
            for (var i = found + 1; i < _count; i++)
            {
                var at = (_head + i) & mask;
                if (Matches(_elements[at], pushed) && !ReferenceEquals(_contexts[at], context))
                {
                    context = materialization;
                    break;
                }
            }
        }

        for (var i = 0; i <= found; i++)
        {
            TakeHead();
        }

        return context;
    }

    /// <summary>
    /// How a remembered entry is compared with a pushed element: the element itself, or, for stages fed by callbacks,
    /// the callback's event (so its element is not boxed to be remembered).
    /// </summary>
    internal Func<object?, object, bool> Matches { get; private set; } = Same;

    /// <summary>Compares remembered callback events with <paramref name="matcher"/> (see <see cref="AkkaInternals.CallbackElementMatcher"/>).</summary>
    internal void MatchCallbacks(Func<object?, object, bool> matcher)
    {
        if (_callbackMatcher == matcher)
        {
            return;
        }

        _callbackMatcher = matcher;
        Matches = Combined(matcher);
    }

    // A separate method: a lambda capturing the parameter above would allocate its closure on every call.
    private static Func<object?, object, bool> Combined(Func<object?, object, bool> matcher) =>
        (remembered, pushed) => remembered is PushedAtOnce at ? Same(at.Element, pushed) : matcher(remembered, pushed);

    private Func<object?, object, bool>? _callbackMatcher;

    /// <summary>An element a callback-fed stage pushed while handling its input (SelectAsyncUnordered's task that completed at once).</summary>
    internal sealed record PushedAtOnce(object Element);

    private static bool Same(object? remembered, object pushed) =>
        ReferenceEquals(remembered, pushed) || (remembered is PushedAtOnce at ? Same(at.Element, pushed) : remembered is not null && remembered.Equals(pushed));

    private void Grow()
    {
        var elements = new object?[_elements.Length * 2];
        var contexts = new ContextSnapshot?[_elements.Length * 2];
        for (var i = 0; i < _count; i++)
        {
            var at = (_head + i) & (_elements.Length - 1);
            elements[i] = _elements[at];
            contexts[i] = _contexts[at];
        }

        _elements = elements;
        _contexts = contexts;
        _head = 0;
    }

    /// <summary>The kind of the stage that <paramref name="logic"/> runs, and whether it may drop elements.</summary>
    internal static StageTracker For(global::Akka.Streams.Stage.GraphStageLogic logic)
    {
        var type = logic.GetType();
        var stage = type.DeclaringType ?? type;
        var name = stage.Name;
        var tick = name.IndexOf('`');
        if (tick > 0)
        {
            name = name[..tick];
        }

        if (stage.Namespace is not ("Akka.Streams.Implementation.Fusing" or "Akka.Streams.Implementation"))
        {
            return new StageTracker(StageKind.Opaque, false);
        }

        return name switch
        {
            "Select" or "Where" or "Collect" or "Take" or "Skip" or "TakeWhile" or "SkipWhile" or "Log" or "Identity"
                => new StageTracker(StageKind.PassThrough, false),
            "Buffer" => new StageTracker(StageKind.Queue, AkkaInternals.StageDrops(logic, "_overflowStrategy")),
            "QueueSource" => new StageTracker(StageKind.Queue, AkkaInternals.StageDrops(logic, "_overflowStrategy"), fedByCallbacks: true),
            "Delay" => new StageTracker(StageKind.Queue, AkkaInternals.DelayDrops(logic)),
            "Throttle" or "DelayInitial" => new StageTracker(StageKind.Queue, false),
            "SelectAsyncUnordered" => new StageTracker(StageKind.Queue, true, fedByCallbacks: true),
            "SelectAsync" => new StageTracker(AkkaInternals.StopsOnFailure(logic) ? StageKind.Ordered : StageKind.Opaque, false),
            "Grouped" => new StageTracker(StageKind.Group, false),
            "Batch" when AkkaInternals.StopsOnFailure(logic) && AkkaInternals.KeepsAggregate(logic) is { } keeps
                    && AkkaInternals.KeepsPending(logic) is { } pending
                => new StageTracker(StageKind.Batch, false) { KeepsNewest = keeps, HoldsNewest = pending },
            "GroupedWeightedWithin" => new StageTracker(StageKind.Runs, false),
            "TaskSource" => new StageTracker(StageKind.Queue, false, fedByCallbacks: true) { ContextOfCompleter = true },
            "ChannelSourceLogic" when ChannelReads.Track(logic) is { } read => new StageTracker(StageKind.Reads, false) { ReadContext = read },
            "ActorRefBackpressureSinkStage" when AkkaInternals.BufferCount(logic) is { } held
                => new StageTracker(StageKind.AckSender, false) { Held = held },
            _ => new StageTracker(StageKind.Opaque, false),
        };
    }

    /// <summary>An input boundary of an async island: elements in the order they arrived from the island before.</summary>
    internal static StageTracker ForInputBoundary() => new(StageKind.Queue, false);

    /// <summary>Whether <paramref name="connection"/> has a push waiting to be handled downstream.</summary>
    internal static bool IsPushing(GraphInterpreter.Connection connection) => (connection.PortState & GraphInterpreter.Pushing) != 0;
}
