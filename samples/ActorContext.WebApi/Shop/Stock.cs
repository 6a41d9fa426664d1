using Akka.Actor;
using Akka.Event;

namespace ActorContext.WebApi.Shop;

/// <summary>Looks an item up (a short asynchronous wait, as a database call would be) and answers with its shelf.</summary>
internal sealed class Stock : ReceiveActor
{
    /// <summary>How long a lookup takes: a request with a smaller budget overruns it.</summary>
    public static readonly TimeSpan Lookup = TimeSpan.FromMilliseconds(20);

    private readonly ILoggingAdapter _log = Context.GetLogger();

    public Stock() => ReceiveAsync<Reserve>(async reserve =>
    {
        var replyTo = Sender;
        try
        {
            await Task.Delay(Lookup, FlowDeadline.Token);
        }
        catch (OperationCanceledException)
        {
            _log.Info("hop stock gave up on {0}: {1}", reserve.Item, FlowDeadline.Remaining == TimeSpan.Zero ? "deadline exceeded" : "cancelled");
            return;
        }

        var shelf = $"{char.ToUpperInvariant(reserve.Item.FirstOrDefault('x'))}-{reserve.Item.Length}";
        _log.Info("hop stock found {0} on shelf {1}", reserve.Item, shelf);
        replyTo.Tell(new Reserved(reserve.Item, shelf, new HopSeen("stock", RequestIds.Seen())));
    });
}
