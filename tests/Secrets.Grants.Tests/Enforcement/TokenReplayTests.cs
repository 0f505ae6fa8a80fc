using System.Net;
using Secrets.Testing;
using Secrets.Testing.Auth;
using static Secrets.Testing.Auth.TokenRequests;

namespace Secrets.Grants.Tests.Enforcement;

/// <summary>
/// The token replay guard (docs/AUTHENTICATION.md#anti-replay) as a matrix: with authorization off and on,
/// on one node (in memory) and on two nodes sharing one Redis-compatible server. A token's jti is accepted
/// once per (subject, URI, purpose, binding): again for the same secret and purpose is 401 REPLAY_DENIED at
/// any node, while other secrets, other purposes and other tokens are served. With authorization on the
/// window is the grant's lifetime, also after its uses are spent; without, <c>ANTI_REPLAY_TTL_S</c>.
/// </summary>
public sealed class TokenReplayTests : IClassFixture<RedisServer>, IDisposable
{
    private const string ReadPath = "/api/secrets?uri=yaml%3A%2F%2Fsecret%2Fenv%23MY_API_KEY";   // purpose read, the same secret

    private readonly RedisServer redis;
    private readonly TestIssuer issuer = new();
    private readonly List<AuthenticatedHost> hosts = [];

    public TokenReplayTests(RedisServer redis) => this.redis = redis;

    public void Dispose()
    {
        foreach (var host in hosts)
            host.Dispose();
        issuer.Dispose();
    }

    public static TheoryData<bool, int> Matrix => new() { { false, 1 }, { false, 2 }, { true, 1 }, { true, 2 } };

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task The_same_token_for_the_same_secret_and_purpose_is_a_replay_at_every_node(bool authorization, int nodes)
    {
        var (a, b) = Nodes(authorization, nodes, policies: null);
        var token = Token();

        (await ReadWithTokenAsync(a, token)).StatusCode.ShouldBe(HttpStatusCode.OK);
        var replay = await ReadWithTokenAsync(b, token);

        await ShouldBeReplayAsync(replay);
        var audited = await hosts[^1].AuditOfAsync(replay);
        audited.ShouldHaveSingleItem()["event_type"]!.GetValue<string>().ShouldBe("REPLAY_DENIED");
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task The_same_token_may_read_another_secret_use_another_purpose_and_another_token_the_same_secret(bool authorization, int nodes)
    {
        var (a, b) = Nodes(authorization, nodes, policies: null);
        var subject = NewSubject();
        var token = Token(subject);
        (await ReadWithTokenAsync(a, token)).StatusCode.ShouldBe(HttpStatusCode.OK);

        (await GetWithTokenAsync(b, OtherValuePath, token)).StatusCode.ShouldBe(HttpStatusCode.OK);   // another secret
        (await GetWithTokenAsync(b, ReadPath, token)).StatusCode.ShouldBe(HttpStatusCode.OK);         // another purpose (read)
        (await ReadWithTokenAsync(b, Token(subject))).StatusCode.ShouldBe(HttpStatusCode.OK);     // another token of the same subject
        await ShouldBeReplayAsync(await GetWithTokenAsync(b, OtherValuePath, token));                 // each pair once
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task A_grant_of_one_use_decided_again_is_still_the_same_window_for_the_token(int nodes)
    {
        var (a, b) = Nodes(authorization: true, nodes, policies: Policy(maxUses: 1, ttlSeconds: 300));
        var subject = NewSubject();
        var token = Token(subject);
        (await ReadWithTokenAsync(a, token)).StatusCode.ShouldBe(HttpStatusCode.OK);          // the grant's one use

        await ShouldBeReplayAsync(await ReadWithTokenAsync(b, token));                         // a new grant, the same window
        (await ReadWithTokenAsync(b, Token(subject))).StatusCode.ShouldBe(HttpStatusCode.OK);  // another token of the subject is served
    }

    [Fact]
    public async Task With_authorization_the_window_ends_with_the_grant()
    {
        var (a, _) = Nodes(authorization: true, nodes: 1, policies: Policy(maxUses: 1, ttlSeconds: 1));
        var token = Token();
        (await ReadWithTokenAsync(a, token)).StatusCode.ShouldBe(HttpStatusCode.OK);
        await ShouldBeReplayAsync(await ReadWithTokenAsync(a, token));

        await Task.Delay(TimeSpan.FromMilliseconds(2200));

        (await ReadWithTokenAsync(a, token)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Without_authorization_the_window_is_ANTI_REPLAY_TTL_S()
    {
        var (a, _) = Nodes(authorization: false, nodes: 1, policies: null, ("ANTI_REPLAY_TTL_S", "1"));
        var token = Token();
        (await ReadWithTokenAsync(a, token)).StatusCode.ShouldBe(HttpStatusCode.OK);
        await ShouldBeReplayAsync(await ReadWithTokenAsync(a, token));

        await Task.Delay(TimeSpan.FromMilliseconds(2200));

        (await ReadWithTokenAsync(a, token)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Redis_down_while_a_token_is_claimed_is_503_with_Retry_After_and_nothing_is_served(bool authorization)
    {
        using var own = new RedisServer();
        var host = new AuthenticatedHost(issuer, null, ("ENABLE_AUTHORIZATION", authorization ? "true" : "false"), ("REDIS_URL", own.ConnectionString));
        hosts.Add(host);
        var client = host.CreateClient();
        (await ReadWithTokenAsync(client, Token())).StatusCode.ShouldBe(HttpStatusCode.OK);

        own.Stop();
        var refused = await ReadWithTokenAsync(client, Token());

        var body = await refused.ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable, "GRANT_STATE_UNAVAILABLE");
        refused.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(1));
        body.ToJsonString().ShouldNotContain(Value);
    }

    [Fact]
    public async Task A_token_without_a_jti_is_not_guarded()
    {
        var (a, _) = Nodes(authorization: false, nodes: 1, policies: null);
        var token = issuer.Token(t => t.Claims.Remove("jti"));

        (await ReadWithTokenAsync(a, token)).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await ReadWithTokenAsync(a, token)).StatusCode.ShouldBe(HttpStatusCode.OK);
    }

    /// <summary>Two clients: of one host, or of two hosts sharing the fixture's Redis.</summary>
    private (HttpClient A, HttpClient B) Nodes(bool authorization, int nodes, string? policies, params (string Key, string? Value)[] more)
    {
        (string Key, string? Value)[] settings = [("ENABLE_AUTHORIZATION", authorization ? "true" : "false"), .. more];
        if (nodes == 1)
        {
            var host = Add(new AuthenticatedHost(issuer, policies, settings));
            var client = host.CreateClient();
            return (client, client);
        }
        var first = Add(new AuthenticatedHost(issuer, policies, [.. settings, ("REDIS_URL", redis.ConnectionString)]));
        var second = Add(new AuthenticatedHost(issuer, policies, [.. settings, ("REDIS_URL", redis.ConnectionString)]));
        return (first.CreateClient(), second.CreateClient());
    }

    private AuthenticatedHost Add(AuthenticatedHost host)
    {
        hosts.Add(host);
        return host;
    }

    /// <summary>A token (with its own jti) of <paramref name="subject"/>, by default one no other test uses (grants and claims live in the shared Redis).</summary>
    private string Token(string? subject = null) => issuer.Token(t => t.Claims["sub"] = subject ?? NewSubject());

    private static string NewSubject() => "replay-" + Guid.NewGuid().ToString("N");

    private static Task<HttpResponseMessage> GetWithTokenAsync(HttpClient client, string path, string token) =>
        GetAsync(client, path, "Bearer " + token);

    private static string Policy(int maxUses, int ttlSeconds) => $$"""
        version: 1
        rules:
          - id: permit-with-obligations
            resources: ["yaml://secret/*"]
            purposes: ["*"]
            obligations:
              max_uses: {{maxUses}}
              ttl_seconds: {{ttlSeconds}}
        """;

    private static async Task ShouldBeReplayAsync(HttpResponseMessage response)
    {
        await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "REPLAY_DENIED");
        AuthAssertions.Challenge(response, "Bearer").ShouldContain("error=\"invalid_token\"");
    }
}
