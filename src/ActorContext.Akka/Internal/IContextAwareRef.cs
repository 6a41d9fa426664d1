namespace ActorContext.Akka.Internal;

/// <summary>Marks refs whose cell unwraps <see cref="ContextEnvelope"/>s; only these may be sent a wrapper.</summary>
internal interface IContextAwareRef
{
}
