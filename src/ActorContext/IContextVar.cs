namespace ActorContext;

/// <summary>
/// The non-generic view of a <see cref="ContextVar{T}"/>: what a context is keyed by.
/// </summary>
/// <remarks>Vars are compared by identity: two vars with the same name are different keys.</remarks>
public interface IContextVar
{
    /// <summary>The var's name, for diagnostics, logs and <see cref="MessageContext.Lookup(string)"/>.</summary>
    string Name { get; }

    /// <summary>The type of the values the var holds.</summary>
    Type ValueType { get; }

    /// <summary>Whether the var was declared with a default value.</summary>
    bool HasDefault { get; }

    /// <summary>Whether the value stays in this process or also crosses to other nodes.</summary>
    ContextScope Scope { get; }
}
