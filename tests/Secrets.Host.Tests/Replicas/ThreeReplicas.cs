using System.Globalization;
using System.Text.Json.Nodes;
using Secrets.Testing;
using Secrets.Testing.Auth;
using WireMock.RequestBuilders;
using WireMock.Server;
using Xunit;

namespace Secrets.Host.Tests.Replicas;

/// <summary>
/// Three host processes sharing one real <c>redis-server</c> (<c>REDIS_URL</c>) behind the round-robin front of
/// build/front, as docs/ARCHITECTURE.md#replicas describes: authorization on, an external AuthZEN PDP (WireMock, in
/// this process) whose answers a test chooses, tokens of one <see cref="TestIssuer"/>, and
/// <c>SECRETS_PUBLIC_BASE_URL</c> set to the front's address on every host, so a DPoP proof made for the front's
/// URL holds at whichever host answers it, through the front or sent to a host directly.
/// </summary>
public sealed class ThreeReplicas : IAsyncLifetime
{
    private readonly WireMockServer pdp = ScriptedHttp.Start();
    private readonly string dir = Path.Combine(Path.GetTempPath(), "secrets-tests", "replicas-" + Guid.NewGuid().ToString("N"));
    private Func<int, int?> decide = _ => null;
    private int evaluations;

    public RedisServerProcess Redis { get; } = new();

    public TestIssuer Issuer { get; } = new();

    public IReadOnlyList<HostProcess> Hosts { get; private set; } = [];

    public HostProcess Front { get; private set; } = null!;

    /// <summary>The front's address, which is every host's public base URL.</summary>
    public Uri FrontAddress { get; } = new($"http://127.0.0.1:{LoopbackPorts.Unused().ToString(CultureInfo.InvariantCulture)}/");

    /// <summary>How many evaluations the PDP answered since the last <see cref="PdpAnswers"/>.</summary>
    public int Evaluations => Volatile.Read(ref evaluations);

    public async Task InitializeAsync()
    {
        pdp.Given(Request.Create().WithPath("/access/v1/evaluation").UsingPost()).RespondWith(WireMock.ResponseBuilders.Response.Create().WithCallback(_ =>
        {
            var n = Interlocked.Increment(ref evaluations);
            var context = new JsonObject { ["decision_id"] = $"dec_replicas_{n}" };
            var maxUses = Volatile.Read(ref decide)(n);
            if (maxUses is { } uses)
                context["obligations"] = new JsonObject { ["ttl_seconds"] = 300, ["max_uses"] = uses };
            var body = new JsonObject { ["decision"] = maxUses is not null, ["context"] = context }.ToJsonString();
            return new WireMock.ResponseMessage
            {
                StatusCode = 200,
                Headers = new Dictionary<string, WireMock.Types.WireMockList<string>> { ["Content-Type"] = new("application/json") },
                BodyData = new WireMock.Util.BodyData { DetectedBodyType = WireMock.Types.BodyType.String, BodyAsString = body },
            };
        }));
        Directory.CreateDirectory(dir);
        var yaml = Path.Combine(dir, "secrets.yaml");
        await File.WriteAllTextAsync(yaml, SecretsHostFactory.SampleYaml);
        var settings = SecretsHostFactory.Trusting(Issuer,
            ("ENABLE_AUTHORIZATION", "true"),
            ("PDP_URL", pdp.Urls[0]),
            ("PDP_TIMEOUT_MS", "30000"),          // counting decisions, not timing the PDP on a loaded machine
            ("NEGATIVE_CACHE_TTL_S", "60"),
            ("REDIS_URL", Redis.ConnectionString),
            ("SECRETS_PUBLIC_BASE_URL", FrontAddress.ToString()));
        var hosts = new List<HostProcess>();
        Hosts = hosts;
        for (var i = 0; i < 3; i++)                // one after the other: three starts at once on two cores time out
            hosts.Add(await HostProcess.StartAsync(yaml, settings, TimeSpan.FromSeconds(120)));
        Front = await HostProcess.StartFrontAsync(FrontAddress, hosts.Select(h => h.BaseAddress));
    }

    /// <summary>
    /// From now on the PDP answers evaluation n (1, 2, … in arrival order) with a permit of <paramref name="maxUses"/>(n)
    /// uses, or a deny when that is null; the count starts again.
    /// </summary>
    public void PdpAnswers(Func<int, int?> maxUses)
    {
        Volatile.Write(ref decide, maxUses);
        Interlocked.Exchange(ref evaluations, 0);
    }

    /// <summary>Forgets every grant, cached deny and replay claim: each test starts from an empty Redis.</summary>
    public void FlushRedis()
    {
        using var admin = StackExchange.Redis.ConnectionMultiplexer.Connect(Redis.AdminConnectionString);
        admin.GetServer(admin.GetEndPoints()[0]).FlushAllDatabases();
    }

    /// <summary>Clients of the three hosts, then of the front.</summary>
    public HttpClient[] Clients() => [.. Hosts.Select(h => h.CreateClient()), Front.CreateClient()];

    public async Task DisposeAsync()
    {
        if (Front is not null)
            await Front.DisposeAsync();
        foreach (var host in Hosts)
            await host.DisposeAsync();
        Redis.Dispose();
        pdp.Stop();
        Issuer.Dispose();
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
