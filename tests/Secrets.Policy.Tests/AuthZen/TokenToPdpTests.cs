using System.Net;
using System.Text.Json.Nodes;
using Secrets.Testing;
using Secrets.Testing.Auth;
using WireMock.ResponseBuilders;
using WireMock.Server;
using static Secrets.Testing.Auth.AuthAssertions;
using static Secrets.Testing.Auth.TokenRequests;

namespace Secrets.Policy.Tests.AuthZen;

/// <summary>
/// What the token says reaches the PDP (docs/AUTHORIZATION.md#request): the AuthZEN request of an external PDP
/// carries the token's subject, client, issuer, audiences and jti, and the caller's DPoP binding.
/// </summary>
public sealed class TokenToPdpTests : IDisposable
{
    private readonly WireMockServer pdp = ScriptedHttp.Start();

    public TokenToPdpTests() =>
        pdp.Given(WireMock.RequestBuilders.Request.Create().WithPath("/access/v1/evaluation").UsingPost())
            .RespondWith(Response.Create().WithHeader("Content-Type", "application/json").WithBody("""{"decision":true}"""));

    public void Dispose() => pdp.Dispose();

    [Fact]
    public async Task The_pdp_request_carries_the_tokens_subject_client_issuer_audiences_jti_and_binding()
    {
        using var issuer = new TestIssuer();
        using var host = new AuthenticatedHost(issuer, null, ("ENABLE_AUTHORIZATION", "true"), ("PDP_URL", pdp.Urls[0]));
        using var key = ProofKey.Ec();
        var token = issuer.Token(b =>
        {
            TestIssuer.BoundToDpop(key)(b);
            b.Claims["sub"] = "user-7";
            b.Claims["client_id"] = "client-7";
            b.Claims["aud"] = new[] { "crud.secrets", "other-api" };
            b.Claims["jti"] = "jti-7";
            b.Claims["workflow_run_id"] = "wf-7";
        });

        var response = await GetAsync(host.CreateClient(), key, token);

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var asked = JsonNode.Parse(pdp.LogEntries.Where(e => e.RequestMessage.Method == "POST").ShouldHaveSingleItem().RequestMessage.Body!)!;
        asked["subject"]!["id"]!.GetValue<string>().ShouldBe("user-7");
        asked["subject"]!["properties"]!["client_id"]!.GetValue<string>().ShouldBe("client-7");
        asked["subject"]!["properties"]!["issuer"]!.GetValue<string>().ShouldBe(TestIssuer.DefaultIssuer);
        asked["subject"]!["properties"]!["cnf_binding"]!.GetValue<string>().ShouldBe(key.Thumbprint);   // docs/AUTHORIZATION.md#request: the DPoP jkt or the mTLS thumbprint
        asked["action"]!["name"]!.GetValue<string>().ShouldBe("execute");
        asked["context"]!["aud"]!.AsArray().Select(a => a!.GetValue<string>()).ShouldBe(["crud.secrets", "other-api"]);
        asked["context"]!["token_jti"]!.GetValue<string>().ShouldBe("jti-7");
        asked["context"]!["workflow_run_id"]!.GetValue<string>().ShouldBe("wf-7");
    }
}
