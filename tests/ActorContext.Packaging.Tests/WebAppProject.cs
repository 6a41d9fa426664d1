namespace ActorContext.Packaging.Tests;

/// <summary>
/// The throwaway web application of <see cref="PackageSmokeTests"/>: it references the packed ActorContext.AspNetCore,
/// calls <c>UseMessageContext</c>, starts Kestrel on a free 127.0.0.1 port and sends itself one request.
/// </summary>
internal static class WebAppProject
{
    private const string RequestId = "req-pack-web-1";

    /// <summary>Writes the project into <paramref name="folder"/>, with the console app's <c>nuget.config</c>.</summary>
    public static void Write(string folder, string version, string nugetConfig)
    {
        Directory.CreateDirectory(folder);
        File.Copy(nugetConfig, Path.Combine(folder, "nuget.config"));
        File.WriteAllText(Path.Combine(folder, "PackWeb.csproj"), $"""
            <Project Sdk="Microsoft.NET.Sdk.Web">
              <PropertyGroup>
                <TargetFramework>net10.0</TargetFramework>
                <Nullable>enable</Nullable>
                <ImplicitUsings>enable</ImplicitUsings>
              </PropertyGroup>
              <ItemGroup>
                <PackageReference Include="ActorContext.AspNetCore" Version="{version}" />
              </ItemGroup>
            </Project>
            """);
        File.WriteAllText(Path.Combine(folder, "Program.cs"), $$"""
            using System.Reflection;
            using ActorContext;
            using ActorContext.AspNetCore;
            using Microsoft.AspNetCore.Hosting.Server;
            using Microsoft.AspNetCore.Hosting.Server.Features;

            var informational = typeof(MessageContextHttpOptions).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion;
            Console.WriteLine($"ActorContext.AspNetCore {informational.Split('+')[0]}");

            var builder = WebApplication.CreateBuilder(args);
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.ClearProviders();
            var app = builder.Build();
            app.UseMessageContext(o =>
            {
                o.RequestId = Ids.RequestId;
                o.MaxTimeout = TimeSpan.FromSeconds(30);
            });
            app.MapGet("/", () => $"endpoint saw {Ids.RequestId.Get("none")} with {(FlowDeadline.Remaining is null ? "no deadline" : "a deadline")}");
            await app.StartAsync();

            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            using var client = new HttpClient { BaseAddress = new Uri(address) };
            using var request = new HttpRequestMessage(HttpMethod.Get, "/");
            request.Headers.Add("X-Request-ID", "{{RequestId}}");
            request.Headers.Add("X-Request-Timeout", "20000");
            using var response = await client.SendAsync(request);
            Console.WriteLine($"{(int)response.StatusCode} echoed {string.Join(",", response.Headers.GetValues("X-Request-ID"))}: {await response.Content.ReadAsStringAsync()}");
            await app.StopAsync();

            static class Ids
            {
                public static readonly ContextVar<string> RequestId = new("request-id");
            }
            """);
    }

    /// <summary>The run printed the packed version, and the request's ID reached the endpoint and came back.</summary>
    public static void AssertRan(string output, string version)
    {
        Assert.Contains($"ActorContext.AspNetCore {version}", output);
        Assert.Contains($"200 echoed {RequestId}: endpoint saw {RequestId} with a deadline", output);
    }
}
