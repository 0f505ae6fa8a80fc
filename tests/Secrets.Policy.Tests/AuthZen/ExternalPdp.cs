using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Time.Testing;
using Secrets.Policy.AuthZen;
using Secrets.Policy.Decisions;
using Secrets.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Secrets.Policy.Tests.AuthZen;

/// <summary>
/// An external AuthZEN PDP played by a scripted server on loopback (WireMock.Net), and the client asking it as the host
/// registers it (<c>AddAuthZenClient</c>), on a clock the test moves. The PDP's identifier is the server's URL plus
/// <see cref="Path"/>; <see cref="Metadata"/> publishes a document for it, built from the endpoint paths given.
/// </summary>
internal sealed class ExternalPdp : IDisposable
{
    private readonly List<ServiceProvider> owned = [];

    public ExternalPdp(string path = "")
    {
        Path = path;
        Server = ScriptedHttp.Start();
    }

    public WireMockServer Server { get; }

    /// <summary>The identifier's path ("" or "/tenant1").</summary>
    public string Path { get; }

    /// <summary>The PDP identifier, <c>PDP_URL</c>.</summary>
    public string Url => Server.Url + Path;

    /// <summary>Where the client must read the metadata: the well-known path inserted before the identifier's path.</summary>
    public string MetadataPath => "/.well-known/authzen-configuration" + Path;

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));

    /// <summary>Publishes metadata naming this PDP, with the given endpoint members (name → path below <see cref="Url"/>, or an absolute URL).</summary>
    public void Metadata(params (string Member, string Where)[] endpoints) =>
        MetadataAnswer(200, Document(Url, endpoints));

    public void MetadataAnswer(int status, string body, string? cacheControl = null)
    {
        var response = ScriptedHttp.Json(status, body);
        if (cacheControl is not null)
            response = response.WithHeader("Cache-Control", cacheControl);
        Server.Given(Request.Create().WithPath(MetadataPath).UsingGet()).RespondWith(response);
    }

    /// <summary>A metadata document with <paramref name="identifier"/> as <c>policy_decision_point</c>.</summary>
    public static string Document(string identifier, params (string Member, string Where)[] endpoints)
    {
        var members = new List<string> { $"\"policy_decision_point\":\"{identifier}\"" };
        members.AddRange(endpoints.Select(e => $"\"{e.Member}\":\"{(e.Where.StartsWith('/') ? identifier + e.Where : e.Where)}\""));
        return "{" + string.Join(',', members) + "}";
    }

    /// <summary><paramref name="path"/> (below the identifier) answers every POST with <paramref name="body"/>.</summary>
    public void Answer(string path, int status, string body) =>
        Server.Given(Request.Create().WithPath(Path + path).UsingPost()).RespondWith(ScriptedHttp.Json(status, body));

    public void Answer(string path, IResponseBuilder response) =>
        Server.Given(Request.Create().WithPath(Path + path).UsingPost()).RespondWith(response);

    /// <summary>Forgets every answer given so far (the requests received stay), to give new ones.</summary>
    public void Reset() => Server.ResetMappings();

    /// <summary>The client's services: the PDP, its resource search, the ready check; <paramref name="environment"/> is the profile (dev: http anywhere).</summary>
    public ServiceProvider Services(int timeoutMs = 20_000, string? environment = null, string? token = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["PDP_URL"] = Url,
            ["PDP_TIMEOUT_MS"] = timeoutMs.ToString(CultureInfo.InvariantCulture),
            ["ENVIRONMENT"] = environment,
            ["PDP_TOKEN"] = token,
        };
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<TimeProvider>(Time);
        services.AddAuthZenClient(AuthZenOptions.From(k => settings.GetValueOrDefault(k)));
        var provider = services.BuildServiceProvider();
        owned.Add(provider);
        return provider;
    }

    public IPolicyDecisionPoint Pdp(int timeoutMs = 20_000, string? environment = null) =>
        Services(timeoutMs, environment).GetRequiredService<IPolicyDecisionPoint>();

    public static async Task<HealthStatus> HealthAsync(IServiceProvider services) =>
        (await services.GetRequiredService<HealthCheckService>().CheckHealthAsync(CancellationToken.None)).Entries["pdp"].Status;

    public void Dispose()
    {
        foreach (var provider in owned)
            provider.Dispose();
        Server.Stop();
        Server.Dispose();
    }
}
