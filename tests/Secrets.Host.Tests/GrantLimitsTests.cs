using System.Net;
using System.Text.Json.Nodes;
using Secrets.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Types;
using WireMock.Util;
using static Secrets.Testing.HttpAssertions;

namespace Secrets.Host.Tests;

/// <summary>
/// max_uses and single-flight decisions through the whole host (docs/AUTHORIZATION.md): an external AuthZEN PDP
/// (WireMock) decides, the PEP grants; on one host with grants in memory, and on two hosts sharing
/// one Redis-compatible server (Garnet in process), where the limits must hold exactly as well.
/// </summary>
public sealed class GrantLimitsTests : IClassFixture<RedisServer>, IDisposable
{
    private const string Value = "/api/secrets/value?uri=";
    private static readonly string Read = Value + Q("yaml://secret/env#MY_API_KEY");
    private readonly RedisServer redis;
    private readonly WireMockServer pdp = ScriptedHttp.Start();
    private readonly List<SecretsHostFactory> hosts = [];
    private int decisions;

    public GrantLimitsTests(RedisServer redis)
    {
        this.redis = redis;
    }

    public void Dispose()
    {
        foreach (var host in hosts)
            host.Dispose();
        pdp.Stop();
    }

    /// <summary>The PDP answers every evaluation with <paramref name="decide"/>(n), n = 1, 2, … in arrival order.</summary>
    private void PdpAnswers(Func<int, bool> decide, int maxUses) =>
        pdp.Given(Request.Create().WithPath("/access/v1/evaluation").UsingPost())
            .RespondWith(Response.Create().WithCallback(_ =>
            {
                var n = Interlocked.Increment(ref decisions);
                var permit = decide(n);
                var body = permit
                    ? new JsonObject
                    {
                        ["decision"] = true,
                        ["context"] = new JsonObject
                        {
                            ["decision_id"] = $"dec_pdp_{n}",
                            ["obligations"] = new JsonObject { ["ttl_seconds"] = 300, ["max_uses"] = maxUses },
                        },
                    }.ToJsonString()
                    : new JsonObject { ["decision"] = false, ["context"] = new JsonObject { ["decision_id"] = $"dec_pdp_{n}", ["reason"] = "later" } }.ToJsonString();
                return new WireMock.ResponseMessage
                {
                    StatusCode = 200,
                    Headers = new Dictionary<string, WireMockList<string>> { ["Content-Type"] = new("application/json") },
                    BodyData = new BodyData { DetectedBodyType = BodyType.String, BodyAsString = body },
                };
            }));

    private HttpClient Host(bool sharedRedis)
    {
        var settings = new Dictionary<string, string?>
        {
            ["ENABLE_AUTHORIZATION"] = "true",
            ["PDP_URL"] = pdp.Urls[0],
            ["NEGATIVE_CACHE_TTL_S"] = "60",
            ["PDP_TIMEOUT_MS"] = "30000",     // counting decisions, not timing the PDP: a loaded machine must not fail closed here
        };
        if (sharedRedis)
            settings["REDIS_URL"] = redis.ConnectionString;
        var host = new SecretsHostFactory(settings);
        hosts.Add(host);
        return host.CreateClient();
    }

    /// <summary>200 reads at once, spread over the clients in turn.</summary>
    private static async Task<HttpStatusCode[]> ReadConcurrentlyAsync(params HttpClient[] clients)
    {
        using var start = new ManualResetEventSlim();
        var reads = Enumerable.Range(0, 200).Select(i => Task.Run(async () =>
        {
            start.Wait();
            return (await clients[i % clients.Length].GetAsync(Read)).StatusCode;
        })).ToList();
        start.Set();
        return await Task.WhenAll(reads);
    }

    private static void FlushRedis(RedisServer server)
    {
        using var admin = StackExchange.Redis.ConnectionMultiplexer.Connect(server.AdminConnectionString);
        admin.GetServer(admin.GetEndPoints()[0]).FlushAllDatabases();
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_pdp_that_permits_once_with_five_uses_lets_exactly_five_of_200_concurrent_reads_through(bool twoHostsSharingRedis)
    {
        if (twoHostsSharingRedis)
            FlushRedis(redis);
        PdpAnswers(n => n == 1, maxUses: 5);
        HttpClient[] clients = twoHostsSharingRedis ? [Host(true), Host(true)] : [Host(false)];

        var statuses = await ReadConcurrentlyAsync(clients);

        statuses.Count(s => s == HttpStatusCode.OK).ShouldBe(5);
        statuses.Count(s => s == HttpStatusCode.Forbidden).ShouldBe(195);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_pdp_that_always_permits_five_uses_is_asked_exactly_40_times_for_200_concurrent_reads(bool twoHostsSharingRedis)
    {
        if (twoHostsSharingRedis)
            FlushRedis(redis);
        PdpAnswers(_ => true, maxUses: 5);
        HttpClient[] clients = twoHostsSharingRedis ? [Host(true), Host(true)] : [Host(false)];

        var statuses = await ReadConcurrentlyAsync(clients);

        statuses.ShouldAllBe(s => s == HttpStatusCode.OK, string.Join(",", statuses.GroupBy(s => s).Select(g => $"{g.Key}={g.Count()}")));
        Volatile.Read(ref decisions).ShouldBe(40);
        pdp.LogEntries.Count(e => e.RequestMessage.Method == "POST").ShouldBe(40);   // besides, each host read the PDP's metadata once
    }

    [Fact]
    public async Task With_redis_down_the_pep_fails_closed_with_503_and_audits_the_deny()
    {
        PdpAnswers(_ => true, maxUses: 5);
        var settings = new Dictionary<string, string?>
        {
            ["ENABLE_AUTHORIZATION"] = "true",
            ["PDP_URL"] = pdp.Urls[0],
            ["REDIS_URL"] = "127.0.0.1:" + LoopbackPorts.Unused(),
        };
        var host = new SecretsHostFactory(settings);
        hosts.Add(host);
        var client = host.CreateClient();

        var body = await (await client.GetAsync(Read)).ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable, "GRANT_STATE_UNAVAILABLE");
        body.ToJsonString().ShouldNotContain("dev-api-key");
        Volatile.Read(ref decisions).ShouldBe(0);

        var audit = (await AuditProbe.EventsAsync(client, "event_type=AUTHZ_DENIED")).ShouldHaveSingleItem();
        audit["effect"]!.GetValue<string>().ShouldBe("deny");
        audit["error_code"]!.GetValue<string>().ShouldBe("GRANT_STATE_UNAVAILABLE");
    }

    [Fact]
    public async Task With_redis_down_thirty_refusals_log_one_throttled_line_not_thirty_errors()
    {
        PdpAnswers(_ => true, maxUses: 5);
        var host = new SecretsHostFactory(new Dictionary<string, string?>
        {
            ["ENABLE_AUTHORIZATION"] = "true",
            ["PDP_URL"] = pdp.Urls[0],
            ["REDIS_URL"] = "127.0.0.1:" + LoopbackPorts.Unused(),
            ["RATE_LIMIT_PER_CLIENT_RPS"] = "0",
        });
        hosts.Add(host);
        var client = host.CreateClient();
        var started = DateTime.UtcNow;

        for (var i = 0; i < 30; i++)
            (await client.GetAsync(Read)).StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);

        var seconds = (DateTime.UtcNow - started).TotalSeconds;
        var lines = host.Logs.Events.Where(e => e.MessageTemplate.Text.StartsWith("Grant state unavailable", StringComparison.Ordinal)).ToList();
        lines.Count.ShouldBeInRange(1, (int)Math.Ceiling(seconds) + 1);   // one a second, not one per request
        host.Logs.Events.ShouldNotContain(e => e.MessageTemplate.Text.StartsWith("request failed with", StringComparison.Ordinal));
        (await AuditProbe.EventsAsync(client, "event_type=AUTHZ_DENIED")).Count.ShouldBe(30);   // every refusal is still audited
    }

    [Fact]
    public async Task Decisions_and_grant_cache_counters_are_exported_as_prometheus_metrics()
    {
        PdpAnswers(_ => true, maxUses: 3);
        var client = Host(false);
        for (var i = 0; i < 4; i++)
            (await client.GetAsync(Read)).StatusCode.ShouldBe(HttpStatusCode.OK);

        var metrics = await client.GetStringAsync("/metrics");
        // The meter is process-wide and every test host in this process exports it: at least ours.
        Sample(metrics, "secrets_decisions_total{", "effect=\"permit\"").ShouldBeGreaterThanOrEqualTo(4);
        Sample(metrics, "secrets_grant_cache_hits_total{").ShouldBeGreaterThanOrEqualTo(2);
        Sample(metrics, "secrets_grant_cache_misses_total{").ShouldBeGreaterThanOrEqualTo(2);
    }

    private static double Sample(string exposition, string prefix, string label = "")
    {
        var line = exposition.Split('\n').FirstOrDefault(l => l.StartsWith(prefix, StringComparison.Ordinal) && l.Contains(label, StringComparison.Ordinal));
        line.ShouldNotBeNull($"no sample starting with {prefix} in /metrics: {string.Join('|', exposition.Split('\n').Where(l => l.Contains("secrets", StringComparison.Ordinal)))}");
        return double.Parse(line.Split(' ')[^1], System.Globalization.CultureInfo.InvariantCulture);
    }
}
