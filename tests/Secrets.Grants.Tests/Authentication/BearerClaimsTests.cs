using System.Net;
using Secrets.Testing;
using Secrets.Testing.Auth;

namespace Secrets.Grants.Tests.Authentication;

/// <summary>The token's claims become the caller: the audit record names its subject and client, and policies decide on them.</summary>
public sealed class BearerClaimsTests
{
    private const string OnlyUser1ViaClient1 = """
        version: 1
        rules:
          - id: user-1-via-client-1
            subjects: [user-1]
            clients: [client-1]
            resources:
              - "yaml://secret/*"
            purposes: ["*"]
        """;

    private static async Task<HttpResponseMessage> ReadAsync(HttpClient client, string token, string? correlation = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, TokenRequests.ValuePath);
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
        if (correlation is not null)
            request.Headers.Add("X-Correlation-ID", correlation);
        return await client.SendAsync(request);
    }

    [Fact]
    public async Task The_audit_record_of_a_read_names_the_tokens_subject_and_client()
    {
        using var issuer = new TestIssuer();
        using var host = new AuthenticatedHost(issuer, null);
        var client = host.CreateClient();
        var jti = "jti-" + Guid.NewGuid().ToString("N");
        var correlation = Guid.NewGuid().ToString("N");

        await (await ReadAsync(client, issuer.Token(b => b.Claims["jti"] = jti), correlation)).ShouldReadTheValueAsync();

        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer " + issuer.Token());
        var record = (await AuditProbe.EventsAsync(client, $"correlation_id={correlation}")).ShouldHaveSingleItem();
        record["subject"]!.GetValue<string>().ShouldBe(TestIssuer.Subject);
        record["client"]!.GetValue<string>().ShouldBe(TestIssuer.ClientId);
        record["effect"]!.GetValue<string>().ShouldBe("success");
    }

    [Fact]
    public async Task The_audit_record_of_a_client_credentials_token_names_the_client_as_subject()
    {
        using var issuer = new TestIssuer();
        using var host = new AuthenticatedHost(issuer, null);
        var client = host.CreateClient();
        var correlation = Guid.NewGuid().ToString("N");

        await (await ReadAsync(client, issuer.Token(b => { b.Claims.Remove("sub"); b.Claims.Remove("client_id"); b.Claims["azp"] = "svc-batch"; }), correlation))
            .ShouldReadTheValueAsync();

        client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", "Bearer " + issuer.Token());
        var record = (await AuditProbe.EventsAsync(client, $"correlation_id={correlation}")).ShouldHaveSingleItem();
        record["subject"]!.GetValue<string>().ShouldBe("svc-batch");
        record["client"]!.GetValue<string>().ShouldBe("svc-batch");
    }

    [Fact]
    public async Task A_policy_on_subject_and_client_permits_the_tokens_caller_and_no_other()
    {
        using var issuer = new TestIssuer();
        using var host = new AuthenticatedHost(issuer, OnlyUser1ViaClient1, ("ENABLE_AUTHORIZATION", "true"));
        var client = host.CreateClient();

        await (await ReadAsync(client, issuer.Token())).ShouldReadTheValueAsync();
        await (await ReadAsync(client, issuer.Token(b => b.Claims["sub"] = "user-2"))).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "SECRET_AUTHZ_FAILED");
        await (await ReadAsync(client, issuer.Token(b => b.Claims["client_id"] = "client-2"))).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "SECRET_AUTHZ_FAILED");
    }

    [Fact]
    public async Task Azp_is_the_client_when_client_id_is_absent()
    {
        using var issuer = new TestIssuer();
        using var host = new AuthenticatedHost(issuer, OnlyUser1ViaClient1, ("ENABLE_AUTHORIZATION", "true"));
        var client = host.CreateClient();

        await (await ReadAsync(client, issuer.Token(b => { b.Claims.Remove("client_id"); b.Claims["azp"] = "client-1"; }))).ShouldReadTheValueAsync();
        await (await ReadAsync(client, issuer.Token(b => { b.Claims.Remove("client_id"); b.Claims["azp"] = "client-2"; })))
            .ShouldBeProblemAsync(HttpStatusCode.Forbidden, "SECRET_AUTHZ_FAILED");
        await (await ReadAsync(client, issuer.Token(b => b.Claims.Remove("client_id"))))
            .ShouldBeProblemAsync(HttpStatusCode.Forbidden, "SECRET_AUTHZ_FAILED");
        // client_id wins over azp
        await (await ReadAsync(client, issuer.Token(b => { b.Claims["client_id"] = "client-2"; b.Claims["azp"] = "client-1"; })))
            .ShouldBeProblemAsync(HttpStatusCode.Forbidden, "SECRET_AUTHZ_FAILED");
    }
}
