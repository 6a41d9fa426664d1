using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace ActorContext.AspNetCore.Tests;

/// <summary>Every argument is guarded, and options that cannot work are refused when the middleware is added.</summary>
public sealed class UseMessageContextArgumentTests
{
    private static readonly ContextVar<string> RequestId = new("request-id");

    private static IApplicationBuilder App() => new ApplicationBuilder(new ServiceCollection().BuildServiceProvider());

    [Fact]
    public void UseMessageContext_NullArguments_ThrowArgumentNullException()
    {
        Assert.Throws<ArgumentNullException>("app", () => ((IApplicationBuilder)null!).UseMessageContext(RequestId));
        Assert.Throws<ArgumentNullException>("app", () => ((IApplicationBuilder)null!).UseMessageContext(_ => { }));
        Assert.Throws<ArgumentNullException>("app", () => ((IApplicationBuilder)null!).UseMessageContext(new MessageContextHttpOptions()));
        Assert.Throws<ArgumentNullException>("requestId", () => App().UseMessageContext((ContextVar<string>)null!));
        Assert.Throws<ArgumentNullException>("configure", () => App().UseMessageContext((Action<MessageContextHttpOptions>)null!));
        Assert.Throws<ArgumentNullException>("options", () => App().UseMessageContext((MessageContextHttpOptions)null!));
    }

    [Fact]
    public void UseMessageContext_NoRequestIdVar_ThrowsSayingHowToDeclareOne()
    {
        var error = Assert.Throws<ArgumentException>("configure", () => App().UseMessageContext(o => o.MaxTimeout = TimeSpan.FromSeconds(1)));
        Assert.StartsWith("MessageContextHttpOptions.RequestId is not set: declare a var once", error.Message);
    }

    public static TheoryData<string, Action<MessageContextHttpOptions>> Unworkable => new()
    {
        { "RequestIdHeader", o => o.RequestIdHeader = " " },
        { "MaxRequestIdLength", o => o.MaxRequestIdLength = 0 },
        { "GenerateRequestId", o => o.GenerateRequestId = null! },
        { "TimeoutHeader", o => { o.MaxTimeout = TimeSpan.FromSeconds(1); o.TimeoutHeader = ""; } },
        { "MaxTimeout", o => o.MaxTimeout = TimeSpan.FromMilliseconds(-1) },
        { "MaxTimeout", o => o.MaxTimeout = TimeSpan.FromDays(2) },
        { "DefaultTimeout", o => o.DefaultTimeout = TimeSpan.FromMilliseconds(-1) },
    };

    [Theory]
    [MemberData(nameof(Unworkable))]
    public void UseMessageContext_UnworkableOption_ThrowsNamingIt(string option, Action<MessageContextHttpOptions> spoil)
    {
        var options = new MessageContextHttpOptions { RequestId = RequestId };
        spoil(options);

        var error = Assert.Throws<ArgumentException>("options", () => App().UseMessageContext(options));
        Assert.StartsWith($"MessageContextHttpOptions.{option} ", error.Message);
    }

    [Fact]
    public void UseMessageContext_ValidOptions_ReturnsTheSameBuilder()
    {
        var app = App();
        var other = App();

        Assert.Same(app, app.UseMessageContext(RequestId));
        Assert.Same(other, other.UseMessageContext(o => o.RequestId = RequestId));
    }

    [Fact]
    public void UseMessageContext_CalledTwiceOnOnePipelineOrItsBranch_ThrowsSayingCallItOnce()
    {
        var app = App();
        app.UseMessageContext(RequestId);
        var branch = app.New();

        var again = Assert.Throws<InvalidOperationException>(() => app.UseMessageContext(RequestId));
        var inBranch = Assert.Throws<InvalidOperationException>(() => branch.UseMessageContext(RequestId));

        Assert.StartsWith("UseMessageContext() was already called on this pipeline", again.Message);
        Assert.Equal(again.Message, inBranch.Message);
    }

    [Fact]
    public void UseMessageContext_InTwoSeparateBranches_IsAllowed()
    {
        var app = App();
        var first = app.New();
        var second = app.New();

        first.UseMessageContext(RequestId);

        Assert.Same(second, second.UseMessageContext(RequestId));
    }
}
