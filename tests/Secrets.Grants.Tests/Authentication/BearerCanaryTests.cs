using System.Net;
using Secrets.Testing;
using Secrets.Testing.Auth;

namespace Secrets.Grants.Tests.Authentication;

/// <summary>
/// A distinctive token is sent valid and broken in every way the matrix knows; afterwards no log event, problem body or
/// audit record holds the token, its payload or signature segment, the canary claim, or any of the issuer's key material.
/// </summary>
public sealed class BearerCanaryTests
{
    private const string Canary = "tok-canary-8d41f0c2b7e9";

    [Fact]
    public async Task No_token_signature_payload_or_key_material_leaks_into_logs_bodies_or_audit()
    {
        using var issuer = new TestIssuer();
        using var foreign = ProofKey.Rsa();
        using var host = new AuthenticatedHost(issuer, null);
        var client = host.CreateClient();
        var bodies = new List<string>();
        var now = issuer.NowSeconds();
        string Distinct(Action<JwsBuilder>? edit = null, ProofKey? key = null) =>
            issuer.Token(b => { b.Claims["canary"] = Canary; b.Claims["jti"] = Canary + "-" + Guid.NewGuid().ToString("N"); edit?.Invoke(b); }, key);

        var valid = Distinct();
        var tokens = new List<string> { valid };
        async Task Send(string? path, HttpStatusCode status, params string[] authorization)
        {
            var response = await TokenRequests.GetAsync(client, path ?? TokenRequests.ValuePath, authorization);
            var text = await response.Content.ReadAsStringAsync();
            response.StatusCode.ShouldBe(status, text);
            bodies.Add(text + "\n" + string.Join('\n', response.Headers.Concat(response.Content.Headers).Select(h => h.Key + ": " + string.Join(", ", h.Value))));
        }
        async Task Refused(string token, HttpStatusCode status = HttpStatusCode.Unauthorized)
        {
            tokens.Add(token);
            await Send(null, status, "Bearer " + token);
        }

        await Send(null, HttpStatusCode.OK, "Bearer " + valid);
        await Send(TokenRequests.OtherValuePath, HttpStatusCode.OK, "bearer " + valid);   // another secret: the same token again for the first would be a replay
        await Send(null, HttpStatusCode.OK, "Bearer " + Distinct(key: issuer.Es256.Key));
        await Refused(Jose.WithSignatureTampered(valid));
        await Refused(Jose.WithPayloadEdited(valid, p => p["sub"] = "admin"));
        await Refused(Distinct(b => b.Claims["exp"] = now - 600));
        await Refused(Distinct(b => b.Claims["nbf"] = now + 600));
        await Refused(Distinct(b => b.Claims["iss"] = "https://evil.test/" + Canary));
        await Refused(Distinct(b => b.Claims["aud"] = "aud-" + Canary));
        await Refused(Distinct(b => b.Header.Remove("typ")));
        await Refused(Distinct(b => b.AlgNone()));
        await Refused(Distinct(b => b.Hs256(issuer.Rs256.Key.PublicKeyBytes())));
        await Refused(Distinct(b => b.Header["kid"] = "kid-" + Canary, foreign));
        await Refused(Distinct(b => b.Claims["cnf"] = Canary));
        await Refused(Distinct(b => { b.Claims.Remove("sub"); b.Claims.Remove("client_id"); }));
        await Refused(Distinct(b => b.Claims["pad"] = new string('x', 9000)));
        await Refused(string.Join('.', valid.Split('.')[..2]));
        await Send(null, HttpStatusCode.Unauthorized, "DPoP " + valid);
        await Send(null, HttpStatusCode.Unauthorized, "Bearer " + valid[..30] + " " + valid[30..]);
        await Send(null, HttpStatusCode.BadRequest, "Basic " + valid);
        await Send(null, HttpStatusCode.BadRequest, "Bearer " + valid, "Bearer " + valid);
        await Send("/health/live", HttpStatusCode.OK, "Bearer " + Jose.WithSignatureTampered(valid));
        await Send($"/api/secrets/value?uri={HttpAssertions.Q("yaml://secret/env#NO_SUCH_KEY")}", HttpStatusCode.NotFound, "Bearer " + valid);

        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer " + issuer.Token());
        var audit = string.Join('\n', (await AuditProbe.EventsAsync(client)).Select(e => e.ToJsonString()));
        audit.ShouldNotBeEmpty();
        var logs = host.Logs.AllText();
        logs.ShouldNotBeEmpty();

        var secrets = new List<(string What, string Text)> { ("canary claim", Canary) };
        foreach (var token in tokens.Where(t => t.Split('.').Length == 3))
        {
            var parts = token.Split('.');
            secrets.Add(("token", token));
            secrets.Add(("payload segment", parts[1]));
            if (parts[2].Length > 0)
                secrets.Add(("signature segment", parts[2]));
        }
        secrets.Add(("two-segment token", tokens[^1]));
        foreach (var key in issuer.PublishedKeys)
        {
            foreach (var (name, value) in key.Key.PrivateMembers)
                secrets.Add(($"private {name} of {key.Kid}", value));
            foreach (var (name, value) in key.Key.PublicJwk)
            {
                if (name is "n" or "x" or "y")
                    secrets.Add(($"public {name} of {key.Kid}", (string)value));
            }
        }

        foreach (var (what, text) in secrets)
        {
            logs.ShouldNotContain(text, Case.Sensitive, $"the {what} is in the logs");
            audit.ShouldNotContain(text, Case.Sensitive, $"the {what} is in an audit record");
            foreach (var body in bodies)
                body.ShouldNotContain(text, Case.Sensitive, $"the {what} is in a response");
        }
    }
}
