using System.Net;
using Secrets.Testing;
using Secrets.Testing.Auth;
using Secrets.Testing.Policy;
using static Secrets.Testing.Auth.AuthAssertions;
using static Secrets.Testing.Auth.TokenRequests;

namespace Secrets.Grants.Tests.Binding;

/// <summary>
/// Two hosts sharing one Redis-compatible server (Garnet in process, <c>REDIS_URL</c>), with the embedded PDP
/// permitting grants of five uses: a proof spent at one host is spent at the other, and a token's jti is
/// accepted once per grant across both (the token replay guard, docs/AUTHENTICATION.md#anti-replay).
/// </summary>
public sealed class DpopSharedRedisTests : IClassFixture<RedisServer>, IDisposable
{
    private readonly TestIssuer issuer = new();
    private readonly List<AuthenticatedHost> hosts = [];
    private readonly HttpClient a;
    private readonly HttpClient b;

    public DpopSharedRedisTests(RedisServer redis)
    {
        a = Host(redis).CreateClient();
        b = Host(redis).CreateClient();
    }

    private AuthenticatedHost Host(RedisServer redis)
    {
        var host = new AuthenticatedHost(issuer, TestPolicies.PermitFiveUses,
            ("ENABLE_AUTHORIZATION", "true"),
            ("REDIS_URL", redis.ConnectionString));
        hosts.Add(host);
        return host;
    }

    public void Dispose()
    {
        foreach (var host in hosts)
            host.Dispose();
        issuer.Dispose();
    }

    /// <summary>A token of a subject no other test uses (grants are per subject and live in the shared Redis).</summary>
    private string TokenOf(ProofKey key, string subject) => issuer.Token(t =>
    {
        TestIssuer.BoundToDpop(key)(t);
        t.Claims["sub"] = subject;
    });

    private static string NewSubject() => "redis-" + Guid.NewGuid().ToString("N");

    [Fact]
    public async Task A_proof_accepted_by_one_host_is_replay_denied_at_the_other()
    {
        using var key = ProofKey.Ec();
        var token = TokenOf(key, NewSubject());
        var proof = DpopProofs.Proof(key, "GET", ValueHtu, token);

        var first = await a.SendAsync(Request(HttpMethod.Get, ValuePath, "DPoP", token, proof));
        first.StatusCode.ShouldBe(HttpStatusCode.OK, await first.Content.ReadAsStringAsync());

        var replay = await b.SendAsync(Request(HttpMethod.Get, ValuePath, "DPoP", token, proof));
        await replay.ShouldBeDpopRefusalAsync("REPLAY_DENIED", "invalid_token");
    }

    [Fact]
    public async Task A_token_reading_the_same_secret_again_at_the_other_host_is_replay_denied_other_tokens_and_secrets_are_not()
    {
        using var key = ProofKey.Ec();
        var subject = NewSubject();
        var token = TokenOf(key, subject);

        var first = await GetAsync(a, key, token);
        first.StatusCode.ShouldBe(HttpStatusCode.OK, await first.Content.ReadAsStringAsync());

        var again = await GetAsync(b, key, token);   // a fresh proof: only the token's jti repeats
        await again.ShouldBeDpopRefusalAsync("REPLAY_DENIED", "invalid_token");
        var audit = await hosts[1].AuditAsync("event_type=REPLAY_DENIED");
        audit.ShouldContain(e => e["subject"]!.GetValue<string>() == subject);

        var otherToken = await GetAsync(b, key, TokenOf(key, subject));
        otherToken.StatusCode.ShouldBe(HttpStatusCode.OK, await otherToken.Content.ReadAsStringAsync());

        var otherSecret = await GetAsync(b, key, token, OtherValuePath);
        otherSecret.StatusCode.ShouldBe(HttpStatusCode.OK, await otherSecret.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_grant_decided_at_one_host_for_key_a_is_binding_denied_at_the_other_for_key_b()
    {
        using var keyA = ProofKey.Ec();
        using var keyB = ProofKey.Ec();
        var subject = NewSubject();

        var withA = await GetAsync(a, keyA, TokenOf(keyA, subject));
        withA.StatusCode.ShouldBe(HttpStatusCode.OK, await withA.Content.ReadAsStringAsync());

        var withB = await GetAsync(b, keyB, TokenOf(keyB, subject));
        await withB.ShouldBeDpopRefusalAsync("BINDING_DENIED", "invalid_token");
    }

    private static async Task<(HttpStatusCode Status, string Body)[]> ConcurrentlyAsync(int count, Func<int, Task<HttpResponseMessage>> send)
    {
        using var start = new ManualResetEventSlim();
        var sends = Enumerable.Range(0, count).Select(i => Task.Run(async () =>
        {
            start.Wait();
            using var response = await send(i);
            return (response.StatusCode, await response.Content.ReadAsStringAsync());
        })).ToList();
        start.Set();
        return await Task.WhenAll(sends);
    }

    [Fact]
    public async Task One_proof_sent_concurrently_to_both_hosts_is_accepted_exactly_once()
    {
        using var key = ProofKey.Ec();
        var token = TokenOf(key, NewSubject());
        var proof = DpopProofs.Proof(key, "GET", ValueHtu, token);

        var results = await ConcurrentlyAsync(20, i => (i % 2 == 0 ? a : b).SendAsync(Request(HttpMethod.Get, ValuePath, "DPoP", token, proof)));

        results.Count(r => r.Status == HttpStatusCode.OK).ShouldBe(1, string.Join(" | ", results.Select(r => r.Status)));
        results.Where(r => r.Status != HttpStatusCode.OK).ShouldAllBe(r => r.Status == HttpStatusCode.Unauthorized && r.Body.Contains("REPLAY_DENIED"));
    }

    [Fact]
    public async Task One_token_reading_one_secret_five_times_at_once_over_both_hosts_gets_through_once()
    {
        // Five reads fit in one grant (max_uses 5), so all five are answered from one decision: one token jti, one use.
        using var key = ProofKey.Ec();
        var token = TokenOf(key, NewSubject());

        var results = await ConcurrentlyAsync(5, i => GetAsync(i % 2 == 0 ? a : b, key, token));

        results.Count(r => r.Status == HttpStatusCode.OK).ShouldBe(1, string.Join(" | ", results.Select(r => $"{r.Status} {r.Body}")));
        results.Where(r => r.Status != HttpStatusCode.OK).ShouldAllBe(r => r.Status == HttpStatusCode.Unauthorized && r.Body.Contains("REPLAY_DENIED"));
    }
}
