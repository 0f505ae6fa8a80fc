using System.Net;
using System.Net.Http.Headers;
using Secrets.Testing.Auth;

namespace Secrets.Host.Tests.Scopes;

/// <summary>/events, /audit and /audit/keys need secrets.read_metadata; DPoP-bound callers get a DPoP challenge with algs (RFC 9449 §7.1).</summary>
public sealed class ScopeChallengeTests(ScopeEnforcingHost host) : IClassFixture<ScopeEnforcingHost>
{
    [Theory]
    [InlineData("/api/secrets/events")]
    [InlineData("/api/secrets/audit")]
    [InlineData("/api/secrets/audit/keys")]
    public async Task Audit_endpoints_need_secrets_read_metadata(string path)
    {
        var f = await host.ArrangeAsync();
        using (var without = host.ClientWith(host.TokenWithout("secrets.read_metadata")))
        using (var refused = await ScopeRequests.SendAsync(without, f, "GET", path, null))
            await refused.ShouldBeScopeRefusalAsync("secrets.read_metadata");

        using var with = host.ClientWith(host.TokenWith("secrets.read_metadata"));
        using var ok = await ScopeRequests.SendAsync(with, f, "GET", path, null);
        ok.StatusCode.ShouldBe(HttpStatusCode.OK);
        ok.Content.Headers.ContentType?.MediaType.ShouldBe(path.EndsWith("events", StringComparison.Ordinal) ? "text/event-stream" : "application/json");
    }

    /// <summary>A DPoP-bound caller that lacks the scope: <c>DPoP error="insufficient_scope", …, scope="…", algs="…"</c>.</summary>
    [Theory]
    [InlineData("GET", "/api/secrets/value?uri={Y#k}", null, "secrets.read")]
    [InlineData("POST", "/api/secrets", """{"uri":"{Y}","value":{"k":"new"}}""", "secrets.write")]
    [InlineData("GET", "/api/secrets/versions?uri={K}", null, "secrets.read_metadata")]
    [InlineData("POST", "/api/secrets/copy", """{"fromUri":"{Y}","toUri":"{Y2}"}""", "secrets.read")]
    [InlineData("GET", "/api/secrets/audit", null, "secrets.read_metadata")]
    [InlineData("GET", "/api/secrets/events", null, "secrets.read_metadata")]
    public async Task Dpop_bound_caller_missing_a_scope_gets_a_DPoP_challenge_with_scope_and_algs(string method, string path, string? body, string scope)
    {
        var f = await host.ArrangeAsync();
        var before = await host.StoredStateAsync(f);
        using var key = ProofKey.Ec();
        var token = host.Issuer.Token(b =>
        {
            TestIssuer.BoundToDpop(key)(b);
            b.Claims["scope"] = string.Join(' ', AuthenticatedHost.AllScopes.Except([scope]));
        });
        using var client = host.CreateClient();
        var htu = "http://localhost" + path.Split('?')[0];

        using var response = await ScopeRequests.SendAsync(client, f, method, path, body, request =>
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("DPoP", token);
            request.Headers.Add("DPoP", DpopProofs.Proof(key, method, htu, token));
        });

        await response.ShouldBeScopeRefusalAsync(scope, scheme: "DPoP");
        var challenge = response.Headers.GetValues("WWW-Authenticate").Single();
        challenge.ShouldContain("ES256", Case.Sensitive, challenge);
        (await host.StoredStateAsync(f)).ShouldBe(before);
    }
}
