using System.Net;
using Secrets.Testing.Auth;
using static Secrets.Testing.Auth.AuthAssertions;
using static Secrets.Testing.Auth.TokenRequests;

namespace Secrets.Grants.Tests.Binding;

/// <summary>
/// Proof replay on one host (docs/AUTHENTICATION.md#anti-replay): a proof's jti is accepted once within the window, the replay is 401
/// REPLAY_DENIED and audited with the token's subject and client; a refused request consumes nothing.
/// </summary>
public sealed class DpopReplayTests : IDisposable
{
    private readonly TestIssuer issuer = new();
    private readonly AuthenticatedHost host;
    private readonly HttpClient client;

    public DpopReplayTests()
    {
        host = new AuthenticatedHost(issuer, null);   // dev profile
        client = host.CreateClient();
    }

    public void Dispose()
    {
        host.Dispose();
        issuer.Dispose();
    }

    [Fact]
    public async Task The_same_proof_twice_is_replay_denied_and_audited_once_with_the_tokens_subject_and_client()
    {
        using var key = ProofKey.Ec();
        const string subject = "replay-subject";
        const string clientId = "replay-client";
        var token = issuer.Token(b =>
        {
            TestIssuer.BoundToDpop(key)(b);
            b.Claims["sub"] = subject;
            b.Claims["client_id"] = clientId;
        });
        var proof = DpopProofs.Proof(key, "GET", ValueHtu, token);

        var first = await client.SendAsync(Request(HttpMethod.Get, ValuePath, "DPoP", token, proof));
        first.StatusCode.ShouldBe(HttpStatusCode.OK, await first.Content.ReadAsStringAsync());
        var second = await client.SendAsync(Request(HttpMethod.Get, ValuePath, "DPoP", token, proof));

        var challenge = await second.ShouldBeDpopRefusalAsync("REPLAY_DENIED", "invalid_token");
        challenge.ShouldStartWith("DPoP ");
        var audit = (await host.AuditAsync("event_type=REPLAY_DENIED")).ShouldHaveSingleItem();
        audit["subject"]!.GetValue<string>().ShouldBe(subject);
        audit["client"]!.GetValue<string>().ShouldBe(clientId);
        audit["effect"]!.GetValue<string>().ShouldBe("deny");
        audit["error_code"]!.GetValue<string>().ShouldBe("REPLAY_DENIED");
    }

    [Fact]
    public async Task A_refused_request_does_not_spend_the_proof_jti()
    {
        using var key = ProofKey.Ec();
        var token = issuer.Token(TestIssuer.BoundToDpop(key));
        var jti = Guid.NewGuid().ToString();

        var wrongHtu = DpopProofs.Proof(key, "GET", "http://localhost/api/secrets/elsewhere", token, edit: b => b.Claims["jti"] = jti);
        var refused = await client.SendAsync(Request(HttpMethod.Get, ValuePath, "DPoP", token, wrongHtu));
        await refused.ShouldBeDpopRefusalAsync("INVALID_DPOP_PROOF", "invalid_dpop_proof");

        var valid = DpopProofs.Proof(key, "GET", ValueHtu, token, edit: b => b.Claims["jti"] = jti);
        var accepted = await client.SendAsync(Request(HttpMethod.Get, ValuePath, "DPoP", token, valid));
        accepted.StatusCode.ShouldBe(HttpStatusCode.OK, await accepted.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_request_refused_after_the_proof_for_a_token_reason_does_not_spend_the_proof_jti()
    {
        // The same proof first rides with the token in the wrong (Bearer) scheme, then correctly.
        using var key = ProofKey.Ec();
        var token = issuer.Token(TestIssuer.BoundToDpop(key));
        var proof = DpopProofs.Proof(key, "GET", ValueHtu, token);

        var refused = await client.SendAsync(Request(HttpMethod.Get, ValuePath, "Bearer", token, proof));
        await refused.ShouldBeDpopRefusalAsync("INVALID_TOKEN", "invalid_token");

        var accepted = await client.SendAsync(Request(HttpMethod.Get, ValuePath, "DPoP", token, proof));
        accepted.StatusCode.ShouldBe(HttpStatusCode.OK, await accepted.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Twenty_concurrent_requests_with_one_proof_let_exactly_one_through()
    {
        using var key = ProofKey.Ec();
        var token = issuer.Token(TestIssuer.BoundToDpop(key));
        var proof = DpopProofs.Proof(key, "GET", ValueHtu, token);
        using var start = new ManualResetEventSlim();
        var sends = Enumerable.Range(0, 20).Select(_ => Task.Run(async () =>
        {
            start.Wait();
            using var response = await client.SendAsync(Request(HttpMethod.Get, ValuePath, "DPoP", token, proof));
            return (response.StatusCode, Body: await response.Content.ReadAsStringAsync());
        })).ToList();
        start.Set();

        var results = await Task.WhenAll(sends);

        results.Count(r => r.StatusCode == HttpStatusCode.OK).ShouldBe(1, string.Join(" | ", results.Select(r => r.StatusCode)));
        results.Where(r => r.StatusCode != HttpStatusCode.OK).ShouldAllBe(r => r.StatusCode == HttpStatusCode.Unauthorized && r.Body.Contains("REPLAY_DENIED"));
    }
}
