using System.Net;
using Secrets.Testing;
using Secrets.Testing.Auth;
using static Secrets.Testing.Auth.TokenRequests;

namespace Secrets.Grants.Tests.Binding;

/// <summary>
/// No access token, DPoP proof or key material ever leaves in logs, problem bodies or audit records;
/// and a replay window that cannot be reached refuses the proof with 503, never lets it through.
/// </summary>
public sealed class DpopCanaryAndOutageTests
{
    [Fact]
    public async Task Tokens_proofs_and_keys_never_appear_in_logs_bodies_or_audit_records()
    {
        using var issuer = new TestIssuer();
        using var host = new AuthenticatedHost(issuer, null);
        var client = host.CreateClient();
        using var key = ProofKey.Ec();
        using var other = ProofKey.Ed25519();
        var token = issuer.Token(b =>
        {
            TestIssuer.BoundToDpop(key)(b);
            b.Claims["jti"] = "canary-jti-7d1e";
        });
        var proof = DpopProofs.Proof(key, "GET", ValueHtu, token);
        var bodies = new List<string>();

        async Task SendAsync(HttpRequestMessage request)
        {
            using var response = await client.SendAsync(request);
            bodies.Add(await response.Content.ReadAsStringAsync());
            bodies.Add(string.Join('\n', response.Headers.Select(h => h.Key + ": " + string.Join(',', h.Value))));
        }

        await SendAsync(Request(HttpMethod.Get, ValuePath, "DPoP", token, proof));                                  // 200
        await SendAsync(Request(HttpMethod.Get, ValuePath, "DPoP", token, proof));                                  // replayed proof
        await SendAsync(Request(HttpMethod.Get, ValuePath, "DPoP", token, DpopProofs.Proof(other, "GET", ValueHtu, token)));   // other key
        await SendAsync(Request(HttpMethod.Get, ValuePath, "DPoP", token, proof[..^4] + "AAAA"));                   // bad signature
        await SendAsync(Request(HttpMethod.Get, ValuePath, "Bearer", token));                                        // bound token as Bearer
        await SendAsync(Request(HttpMethod.Get, ValuePath, "DPoP", token[..^6] + "AAAAAA", proof));                // bad token
        bodies[0].ShouldContain("\"value\"");
        bodies[2].ShouldContain("REPLAY_DENIED");

        var audit = await host.AuditAsync("effect=deny");
        audit.ShouldNotBeEmpty();
        var seen = string.Join('\n', bodies) + "\n" + string.Join('\n', audit.Select(a => a.ToJsonString())) + "\n" + host.Logs.AllText();
        string[] secrets =
        [
            token, token.Split('.')[1], token.Split('.')[2], "canary-jti-7d1e",
            proof, proof.Split('.')[1], proof.Split('.')[2],
            .. key.PrivateMembers.Values, .. other.PrivateMembers.Values,
            .. issuer.Rs256.Key.PrivateMembers.Values,
        ];
        foreach (var secret in secrets)
            seen.ShouldNotContain(secret);
    }

    [Fact]
    public async Task An_unreachable_replay_window_refuses_the_proof_with_503()
    {
        using var issuer = new TestIssuer();
        using var host = new AuthenticatedHost(issuer, null, ("REDIS_URL", "127.0.0.1:" + LoopbackPorts.Unused()));
        var client = host.CreateClient();
        using var key = ProofKey.Ec();
        var token = issuer.Token(TestIssuer.BoundToDpop(key));

        var response = await GetAsync(client, key, token);

        await response.ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable, "GRANT_STATE_UNAVAILABLE");
        response.Headers.RetryAfter!.Delta.ShouldBe(TimeSpan.FromSeconds(1));
    }
}
