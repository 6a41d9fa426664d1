using Akka.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace ActorContext.Testing;

/// <summary>
/// Generic hosts with one Akka system, built by hand (<c>Host.CreateApplicationBuilder</c> + <c>AddAkka</c>) so xunit 2
/// tests can use Akka.Hosting; linked as source into the test projects that host actor systems.
/// </summary>
public static class TestHosts
{
    /// <summary>A host with one Akka system named <paramref name="name"/>, built but not started; console logging off.</summary>
    /// <param name="name">The actor system's name.</param>
    /// <param name="configure">The Akka.Hosting configuration.</param>
    /// <param name="prepare">Anything else the host needs (logging providers, services), applied before <c>AddAkka</c>.</param>
    public static IHost Build(string name, Action<AkkaConfigurationBuilder> configure, Action<HostApplicationBuilder>? prepare = null)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        prepare?.Invoke(builder);
        builder.Services.AddAkka(name, configure);
        return builder.Build();
    }

    /// <summary>Like <see cref="Build"/>, and started.</summary>
    public static async Task<IHost> StartAsync(string name, Action<AkkaConfigurationBuilder> configure, Action<HostApplicationBuilder>? prepare = null)
    {
        var host = Build(name, configure, prepare);
        await host.StartAsync();
        return host;
    }
}
