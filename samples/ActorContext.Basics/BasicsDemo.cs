namespace ActorContext.Basics;

/// <summary>
/// The three classic Python <c>contextvars</c> demos, ported to <see cref="ContextVar{T}"/> and
/// <see cref="MessageContext"/>: greeting in prepared contexts, the token walkthrough, and copy/run/lookup.
/// </summary>
/// <remarks>
/// Every section runs inside its own empty <see cref="MessageContext"/>, so the demo is deterministic and
/// leaves the caller's ambient context untouched.
/// </remarks>
public static class BasicsDemo
{
    /// <summary>Runs all three sections, writing clearly labelled lines to <paramref name="output"/>.</summary>
    /// <param name="output">Where the demo writes its lines (e.g. <see cref="Console.Out"/>).</param>
    /// <exception cref="ArgumentNullException"><paramref name="output"/> is null.</exception>
    public static void Run(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        new MessageContext().Run(() => Greetings(output));
        output.WriteLine();
        new MessageContext().Run(() => Tokens(output));
        output.WriteLine();
        new MessageContext().Run(() => CopyRunLookup(output));
    }

    /// <summary>
    /// Section (a): prepares one context per name, then greets in each context in reverse order.
    /// </summary>
    /// <param name="output">Where the section writes its lines.</param>
    public static void Greetings(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine("== (a) greet in prepared contexts ==");

        var name = new ContextVar<string>("name");
        var contexts = new List<MessageContext>();
        foreach (var person in new[] { "Steve", "Dina", "Harry" })
        {
            var context = new MessageContext();
            context.Run(() => name.Set(person));
            contexts.Add(context);
            output.WriteLine($"prepared context for {person}");
        }

        void Greet() => output.WriteLine($"Hello, {name.Get()}!");

        for (var i = contexts.Count - 1; i >= 0; i--)
        {
            contexts[i].Run(Greet);
        }

        output.WriteLine($"outside any context: name.Get(\"nobody\") = {name.Get("nobody")}");
    }

    /// <summary>
    /// Section (b): what tokens remember, resetting out of order, reusing a token, and resetting in stack order.
    /// </summary>
    /// <param name="output">Where the section writes its lines.</param>
    public static void Tokens(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine("== (b) token walkthrough ==");

        var foo = new ContextVar<string>("foo");

        var t1 = foo.Set("bar");
        output.WriteLine($"t1 = foo.Set(\"bar\"): t1.OldValue = {Describe(t1)}");
        var t2 = foo.Set("baz");
        output.WriteLine($"t2 = foo.Set(\"baz\"): t2.OldValue = {Describe(t2)}");
        output.WriteLine($"foo.Get() = {foo.Get()}");

        foo.Reset(t1);
        output.WriteLine($"after foo.Reset(t1) (out of order): foo.TryGet = {foo.TryGet(out _)}");

        try
        {
            foo.Reset(t1);
            output.WriteLine("resetting t1 again: no error (unexpected)");
        }
        catch (InvalidOperationException e)
        {
            output.WriteLine($"resetting t1 again: InvalidOperationException: {e.Message}");
        }

        output.WriteLine("-- stack order --");
        var s1 = foo.Set("one");
        var s2 = foo.Set("two");
        output.WriteLine($"after Set(\"one\"), Set(\"two\"): foo.Get() = {foo.Get()}");
        foo.Reset(s2);
        output.WriteLine($"after foo.Reset(s2): foo.Get() = {foo.Get()}");
        foo.Reset(s1);
        output.WriteLine($"after foo.Reset(s1): foo.TryGet = {foo.TryGet(out _)}");

        // t2 was never used: it still puts back what foo had before it ("bar").
        foo.Reset(t2);
        output.WriteLine($"after foo.Reset(t2): foo.Get() = {foo.Get()}");
    }

    /// <summary>
    /// Section (c): <see cref="MessageContext.CopyCurrent"/>, <see cref="MessageContext.Run(Action)"/>,
    /// a new empty context and <see cref="MessageContext.Lookup(string)"/>.
    /// </summary>
    /// <param name="output">Where the section writes its lines.</param>
    public static void CopyRunLookup(TextWriter output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.WriteLine("== (c) copy, run, new context, lookup ==");

        var name = new ContextVar<string>("name");
        var counter = new ContextVar<int>("counter", 0);

        name.Set("before-copy");
        var copy = MessageContext.CopyCurrent();
        name.Set("after-copy");
        output.WriteLine($"current name = {name.Get()}");
        output.WriteLine($"copy[name] = {copy[name]}");

        copy.Run(() => counter.Set(counter.Get() + 1));
        output.WriteLine($"after copy.Run(counter += 1): copy[counter] = {copy[counter]}");
        output.WriteLine($"outside: counter.Get() = {counter.Get()}, counter.TryGet = {counter.TryGet(out _)}");

        var empty = new MessageContext();
        output.WriteLine($"new MessageContext().Count = {empty.Count}");

        output.WriteLine($"copy.Lookup(\"name\") = {copy.Lookup("name") ?? "null"}");
        output.WriteLine($"copy.Lookup(\"missing\") = {copy.Lookup("missing") ?? "null"}");
    }

    private static string Describe<T>(ContextToken<T> token) =>
        token.HasOldValue ? $"{token.OldValue}" : "MISSING";
}
