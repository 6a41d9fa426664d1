using System.Threading.Channels;
using Akka.Actor;
using Akka.Cluster.Tools.PublishSubscribe;

namespace ActorContext.Remote.Tests.Support;

/// <summary>A plain actor that reports what it reads from its context; no ActorContext-specific code.</summary>
public sealed class Reporter : ReceiveActor
{
    private readonly string _node = Vars.NodeOf(Context.System);
    private string _preStart = "not started";

    public Reporter()
    {
        Receive<Probe>(p => Sender.Tell(new Report(p.Tag, _node, Vars.Reading())));
        Receive<ForwardTo>(f => f.Target.Forward(f.Probe));
        Receive<ChangeAndReply>(c =>
        {
            Vars.RequestId.Set(c.NewRequestId);
            Vars.ReplyTag.Set($"replier@{_node}");
            (c.ReplyTo ?? Sender).Tell(new Report(c.Tag, _node, Vars.Reading()));
        });
        Receive<PreStartReading>(p => Sender.Tell(new Report(p.Tag, _node, _preStart)));
    }

    protected override void PreStart() => _preStart = Vars.Reading();
}

/// <summary>Creates children deployed on another node, from inside its Receive (so with the message's context).</summary>
public sealed class Parent : ReceiveActor
{
    public Parent() => Receive<SpawnRemoteChild>(m =>
        Sender.Tell(Context.ActorOf(Props.Create<Reporter>().WithDeploy(new Deploy(new RemoteScope(m.Target))), m.Name)));
}

/// <summary>Asks from inside ReceiveAsync and reports its own context before and after the await.</summary>
public sealed class Asker : ReceiveActor
{
    public Asker() => ReceiveAsync<AskThrough>(async m =>
    {
        var sender = Sender;
        var before = Vars.Reading();
        var reply = await m.Target.Ask<Report>(new ChangeAndReply(m.Tag, m.ReplierRequestId, null), TimeSpan.FromSeconds(10));
        sender.Tell(new AskOutcome(before, reply, Vars.Reading()));
    });
}

/// <summary>Writes everything it receives, with what it read from its context, to a channel the test reads.</summary>
public sealed class Sink : ReceiveActor
{
    public Sink(ChannelWriter<Delivered> writer)
    {
        var node = Vars.NodeOf(Context.System);
        ReceiveAny(m => writer.TryWrite(new Delivered(m, Vars.Reading(), node, Sender)));
    }
}

/// <summary>A Distributed Pub/Sub subscriber that records what it receives (the ack included).</summary>
public sealed class TopicSubscriber : ReceiveActor
{
    private readonly string _topic;

    public TopicSubscriber(string topic, ChannelWriter<Delivered> writer)
    {
        _topic = topic;
        var node = Vars.NodeOf(Context.System);
        ReceiveAny(m => writer.TryWrite(new Delivered(m, Vars.Reading(), node, Sender)));
    }

    protected override void PreStart() =>
        DistributedPubSub.Get(Context.System).Mediator.Tell(new Subscribe(_topic, Self));
}

/// <summary>A sharded entity: reports its context and the node it runs on.</summary>
public sealed class Entity : ReceiveActor
{
    public Entity()
    {
        var node = Vars.NodeOf(Context.System);
        Receive<EntityProbe>(p =>
        {
            if (p.ReplyTo is null)
            {
                Sender.Tell(new Report(p.Tag, node, Vars.Reading()));
                return;
            }

            // The entity's own reply, told to a normal actor: it carries the entity's context.
            Vars.ReplyTag.Set($"entity-{p.EntityId}@{node}");
            p.ReplyTo.Tell(new Report(p.Tag, node, Vars.Reading()));
        });
    }
}

/// <summary>Entity and shard come from the message, so a test decides which messages open a new shard.</summary>
public sealed class EntityExtractor : global::Akka.Cluster.Sharding.IMessageExtractor
{
    /// <inheritdoc />
    public string EntityId(object message) => message is EntityProbe p ? p.EntityId : null!;

    /// <inheritdoc />
    public object EntityMessage(object message) => message;

    /// <inheritdoc />
    public string ShardId(object message) => message is EntityProbe p ? p.ShardId : null!;

    /// <inheritdoc />
    public string ShardId(string entityId, object? messageHint = null) =>
        messageHint is EntityProbe p ? p.ShardId : entityId;
}
