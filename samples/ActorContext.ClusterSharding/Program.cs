using ActorContext;
using ActorContext.ClusterSharding;
using Akka.Actor;

// Three cluster nodes in one process; requests enter at node 1 with a request ID in a new context and cross a
// shard region to order entities spread over the nodes, which ask a stock keeper on whichever node pub/sub picks.
var requests = args is ["--requests", var n] && int.TryParse(n, out var count) && count > 0 ? count : 12;

var cluster = await ShopCluster.StartAsync();
for (var i = 0; i < cluster.Nodes.Length; i++)
{
    Console.WriteLine($"node{i + 1} = {ShopCluster.NodeOf(cluster.Nodes[i])}");
}

Console.WriteLine();

// All requests at once, each in its own context, as an HTTP front end would send them.
var edge = cluster.Nodes[0];
var region = cluster.Regions[0];
var results = await Task.WhenAll(Enumerable.Range(1, requests).Select(i => new MessageContext().Run(async () =>
{
    var requestId = $"req-{Guid.NewGuid().ToString("N")[..8]}";
    Ids.RequestId.Set(requestId);
    Hop[] start = [new Hop("edge", ShopCluster.NodeOf(edge), Ids.RequestId.Get())];
    try
    {
        var trail = await region.Ask<Trail>(new PlaceOrder($"order-{i}", $"item-{i % 4}", start), TimeSpan.FromSeconds(15));

        // The edge keeps its own context after the await (a reply's context never flows back into the asker).
        return (Index: i, RequestId: requestId, Trail: (Trail?)trail, After: Ids.RequestId.Get("(none)"));
    }
    catch (AskTimeoutException)
    {
        return (Index: i, RequestId: requestId, Trail: null, After: Ids.RequestId.Get("(none)"));
    }
})));

// Leaving the cluster first keeps Akka's shutdown log lines (if any) above the table.
await cluster.StopAsync();

Console.WriteLine();
Console.WriteLine("  #  request id    hops: name@node=request id seen");
Console.WriteLine("---  ------------  -----------------------------------------------------------------");
var replies = 0;
var mismatches = 0;
foreach (var (index, requestId, trail, after) in results)
{
    mismatches += after == requestId ? 0 : 1;
    if (trail is null)
    {
        Console.WriteLine($"{index,3}  {requestId,-12}  no reply");
        continue;
    }

    replies++;
    mismatches += trail.Hops.Count(h => h.RequestId != requestId);
    var hops = string.Join(" > ", trail.Hops.Select(h => $"{h.Name}@{cluster.Label(h.Node)}={(h.RequestId == requestId ? h.RequestId : $"{h.RequestId} (MISMATCH)")}"));
    Console.WriteLine($"{index,3}  {requestId,-12}  {hops}");
}

Console.WriteLine();
Console.WriteLine($"summary: {requests} requests, {replies} replies, {mismatches} mismatches");
return replies == requests && mismatches == 0 ? 0 : 1;
