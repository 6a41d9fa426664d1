using BenchmarkDotNet.Attributes;

namespace ActorContext.Benchmarks;

/// <summary>
/// The runtime primitives a ContextVar write and a propagated message are built from, measured alone so the
/// library's costs can be attributed: an AsyncLocal read and write, cloning a 4-entry array (what overwriting a var
/// does) versus allocating and copying one, and a 32-byte two-reference object (the size of a message wrapper).
/// </summary>
/// <remarks>Public and unsealed because BenchmarkDotNet derives its generated runner from it.</remarks>
[MemoryDiagnoser]
public class PrimitiveCostBenchmarks
{
    private static readonly AsyncLocal<object?> s_local = new();
    private static readonly object s_a = new();
    private static readonly object s_b = new();
    private readonly object?[] _four = [new(), new(), new(), new()];
    private bool _flip;

    /// <summary>Puts a value in the AsyncLocal, as the library's one AsyncLocal holds a snapshot.</summary>
    [GlobalSetup]
    public void Setup() => s_local.Value = s_a;

    /// <summary>One AsyncLocal read (every send and every receive does one).</summary>
    [Benchmark]
    public object? AsyncLocalRead() => s_local.Value;

    /// <summary>One AsyncLocal write of a different value (allocates a new ExecutionContext and value map).</summary>
    [Benchmark]
    public void AsyncLocalWrite()
    {
        _flip = !_flip;
        s_local.Value = _flip ? s_b : s_a;
    }

    /// <summary><c>(object[])array.Clone()</c> of 4 entries, as ContextSnapshot.With does when a var is overwritten.</summary>
    [Benchmark]
    public object?[] ArrayClone4() => (object?[])_four.Clone();

    /// <summary><c>new object[4]</c> plus a copy: the same result without <see cref="Array.Clone"/>.</summary>
    [Benchmark]
    public object?[] ArrayNewCopy4()
    {
        var copy = new object?[_four.Length];
        _four.AsSpan().CopyTo(copy);
        return copy;
    }

    /// <summary>A 32-byte object with two references: the size of the wrapper each propagated message gets.</summary>
    [Benchmark]
    public object TwoReferenceObject() => new Pair(s_a, _four);

    private sealed class Pair(object first, object second)
    {
        public object First { get; } = first;

        public object Second { get; } = second;
    }
}
