using BenchmarkDotNet.Attributes;

namespace ActorContext.Benchmarks;

/// <summary>ContextVar reads and writes with 4 entries in the current context.</summary>
/// <remarks>Public and unsealed because BenchmarkDotNet derives its generated runner from it.</remarks>
[MemoryDiagnoser]
public class ContextVarBenchmarks
{
    private static readonly ContextVar<string> s_fifth = new("fifth");

    /// <summary>Sets the 4 edge vars in the benchmark thread's ambient context.</summary>
    [GlobalSetup]
    public void Setup() => FourEntries.Set();

    /// <summary>Reads the last-added of 4 vars (the worst case of the linear scan); throws if the context was lost.</summary>
    [Benchmark]
    public string Get() => EdgeContext.TraceParent.Get();

    /// <summary>Overwrites one of the 4 vars and drops the token (the context keeps 4 entries).</summary>
    [Benchmark]
    public ContextToken<string> Set() => EdgeContext.Tenant.Set("tenant-b");

    /// <summary>Overwrites one of the 4 vars and resets it: the cost of a scoped <c>using var _ = v.Set(x)</c>.</summary>
    [Benchmark]
    public void SetReset()
    {
        var token = EdgeContext.Tenant.Set("tenant-b");
        EdgeContext.Tenant.Reset(token);
    }

    /// <summary>Adds a fifth var and resets it (the snapshot grows to 5 and shrinks back to 4).</summary>
    [Benchmark]
    public void SetResetNewVar()
    {
        var token = s_fifth.Set("x");
        s_fifth.Reset(token);
    }
}

/// <summary>Capturing and entering a <see cref="MessageContext"/> with 4 entries.</summary>
/// <remarks>Public and unsealed because BenchmarkDotNet derives its generated runner from it.</remarks>
[MemoryDiagnoser]
public class MessageContextBenchmarks
{
    private static readonly Action s_noop = static () => { };
    private static readonly Func<string> s_read = static () => EdgeContext.TraceParent.Get();
    private MessageContext _context = new();

    /// <summary>Sets the 4 edge vars and captures them into the context <see cref="Run"/> enters.</summary>
    [GlobalSetup]
    public void Setup()
    {
        FourEntries.Set();
        _context = MessageContext.CopyCurrent();
    }

    /// <summary><see cref="MessageContext.CopyCurrent"/>: what capturing a context for later costs.</summary>
    [Benchmark]
    public MessageContext CopyCurrent() => MessageContext.CopyCurrent();

    /// <summary><see cref="MessageContext.Run(Action)"/> with an empty delegate: enter and leave.</summary>
    [Benchmark]
    public void Run() => _context.Run(s_noop);

    /// <summary><see cref="MessageContext.Run{TResult}(Func{TResult})"/> reading one var inside.</summary>
    [Benchmark]
    public string RunAndGet() => _context.Run(s_read);
}

/// <summary>Puts the 4 vars the micro-benchmarks expect into the calling flow's context.</summary>
internal static class FourEntries
{
    internal static void Set()
    {
        EdgeContext.RequestId.Set("req-0001");
        EdgeContext.Tenant.Set("tenant-a");
        EdgeContext.User.Set("user-42");
        EdgeContext.TraceParent.Set("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    }
}
