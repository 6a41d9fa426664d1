using System.Reflection;
using ActorContext.Akka.Infrastructure;
using ActorContext.Infrastructure;
using Akka.Actor;
using Reactive.Streams;

namespace ActorContext.Streams.Internal;

/// <summary>
/// The receive side of Akka's actor publishers (<c>Source.ActorRef</c>'s): an element told to it keeps its context
/// while it waits in the publisher's buffer, and goes to the stream under it when demand arrives.
/// </summary>
/// <remarks>
/// The publisher hands elements to the stream by calling its subscriber, which tells them to the interpreter actor:
/// the subscriber is wrapped so each call runs under the context of the element it hands on, found among the elements
/// told to the publisher (<see cref="StageTracker"/>, matching the element itself; the publisher may drop elements, so
/// an ambiguous match gets the materialization context). Demand and cancellation run under the materialization context.
/// </remarks>
internal sealed class PublisherHook : StreamReceiveHook
{
    private readonly ActorBase _publisher;
    private readonly FieldInfo _subscriberField;
    private readonly Type _elementType;
    private readonly ContextSnapshot? _materialization;
    private readonly StageTracker _told = new(StageKind.Queue, mayDrop: true);
    private bool _wrapped;

    private PublisherHook(ActorBase publisher, FieldInfo subscriberField, Type elementType, ContextSnapshot? materialization)
    {
        _publisher = publisher;
        _subscriberField = subscriberField;
        _elementType = elementType;
        _materialization = materialization;
    }

    internal static StreamReceiveHook? Create(ActorBase actor, ContextSnapshot? materialization)
    {
        for (var type = actor.GetType(); type is not null; type = type.BaseType)
        {
            if (type.IsGenericType && type.GetGenericTypeDefinition().FullName == "Akka.Streams.Actors.ActorPublisher`1")
            {
                var field = type.GetField("_subscriber", BindingFlags.Instance | BindingFlags.NonPublic);
                return field is null ? null : new PublisherHook(actor, field, type.GetGenericArguments()[0], materialization);
            }
        }

        return null;
    }

    public override void Receive(IHookedCell cell, object message, ContextSnapshot? context)
    {
        var element = !IsStreamsProtocol(message) && _elementType.IsInstanceOfType(message);
        if (element)
        {
            _told.Arrived(message, context);
        }

        ContextSnapshots.Restore(element ? context : _materialization);
        try
        {
            cell.ReceiveUnhooked(message);
        }
        finally
        {
            if (!_wrapped)
            {
                WrapSubscriber();
            }

            ContextSnapshots.Restore(_materialization);
        }
    }

    private void WrapSubscriber()
    {
        if (_subscriberField.GetValue(_publisher) is not { } subscriber)
        {
            return;
        }

        var wrapper = (ContextSubscriber)Activator.CreateInstance(typeof(ContextSubscriber<>).MakeGenericType(_elementType), subscriber, this)!;
        _subscriberField.SetValue(_publisher, wrapper);
        _wrapped = true;
    }

    /// <summary>The context the element handed on now was told with; the materialization context when unknown.</summary>
    internal ContextSnapshot? ContextOf(object? element) => element is null ? _materialization : _told.Left(element, _materialization);

    internal ContextSnapshot? Materialization => _materialization;

    /// <summary>Marker for a wrapped subscriber.</summary>
    internal abstract class ContextSubscriber;

    /// <summary>Calls the stream's subscriber under the context of each element it hands on.</summary>
    private sealed class ContextSubscriber<T>(ISubscriber<T> inner, PublisherHook hook) : ContextSubscriber, ISubscriber<T>
    {
        public void OnSubscribe(ISubscription subscription) => inner.OnSubscribe(subscription);

        public void OnNext(T element)
        {
            var previous = ContextSnapshots.Current;
            ContextSnapshots.Restore(hook.ContextOf(element));
            try
            {
                inner.OnNext(element);
            }
            finally
            {
                ContextSnapshots.Restore(previous);
            }
        }

        public void OnError(Exception cause) => inner.OnError(cause);

        public void OnComplete() => inner.OnComplete();
    }
}
