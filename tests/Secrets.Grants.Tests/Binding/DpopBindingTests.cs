using System.Net;
using Secrets.Testing;
using Secrets.Testing.Auth;
using Secrets.Testing.Policy;
using static Secrets.Testing.Auth.AuthAssertions;
using static Secrets.Testing.Auth.TokenRequests;

namespace Secrets.Grants.Tests.Binding;

/// <summary>
/// Sender binding at the PEP (docs/AUTHENTICATION.md#sender-binding-and-grants): a grant decided for one DPoP key is not used with another
/// (BINDING_DENIED), and <c>SECRETS_REQUIRE_SENDER_BINDING=true</c> keeps plain bearer tokens away from
/// execute reads (SENDER_BINDING_REQUIRED) but not from writes.
/// </summary>
public sealed class DpopBindingTests : IDisposable
{
    private readonly TestIssuer issuer = new();
    private readonly List<AuthenticatedHost> hosts = [];

    public void Dispose()
    {
        foreach (var host in hosts)
            host.Dispose();
        issuer.Dispose();
    }

    private AuthenticatedHost Host(string? policies, params (string Key, string? Value)[] settings)
    {
        var host = new AuthenticatedHost(issuer, policies, settings);
        hosts.Add(host);
        return host;
    }

    [Fact]
    public async Task The_same_subject_with_a_token_bound_to_another_key_is_binding_denied_on_the_grant()
    {
        var host = Host(TestPolicies.PermitFiveUses, ("ENABLE_AUTHORIZATION", "true"));
        var client = host.CreateClient();
        using var keyA = ProofKey.Ec();
        using var keyB = ProofKey.Ec();

        var withA = await GetAsync(client, keyA, issuer.Token(TestIssuer.BoundToDpop(keyA)));
        withA.StatusCode.ShouldBe(HttpStatusCode.OK, await withA.Content.ReadAsStringAsync());

        var withB = await GetAsync(client, keyB, issuer.Token(TestIssuer.BoundToDpop(keyB)));

        await withB.ShouldBeDpopRefusalAsync("BINDING_DENIED", "invalid_token");
        var audit = (await host.AuditAsync("event_type=BINDING_DENIED")).ShouldHaveSingleItem();
        audit["subject"]!.GetValue<string>().ShouldBe(TestIssuer.Subject);
        audit["error_code"]!.GetValue<string>().ShouldBe("BINDING_DENIED");
        audit["effect"]!.GetValue<string>().ShouldBe("deny");
    }

    [Fact]
    public async Task A_grant_decided_for_a_dpop_key_is_binding_denied_to_a_plain_bearer_token_of_the_same_subject()
    {
        var host = Host(TestPolicies.PermitFiveUses, ("ENABLE_AUTHORIZATION", "true"));
        using var key = ProofKey.Ec();

        var dpop = await GetAsync(host.CreateClient(), key, issuer.Token(TestIssuer.BoundToDpop(key)));
        dpop.StatusCode.ShouldBe(HttpStatusCode.OK, await dpop.Content.ReadAsStringAsync());

        var bearer = await host.ClientWith(issuer.Token()).GetAsync(ValuePath);
        await bearer.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "BINDING_DENIED");
        Challenge(bearer, "Bearer").ShouldStartWith("Bearer error=\"invalid_token\"");
        (await host.AuditAsync("event_type=BINDING_DENIED")).ShouldHaveSingleItem()["subject"]!.GetValue<string>().ShouldBe(TestIssuer.Subject);
    }

    [Fact]
    public async Task With_sender_binding_required_a_plain_bearer_execute_read_is_refused_a_dpop_read_and_a_bearer_write_are_not()
    {
        var host = Host(null, ("SECRETS_REQUIRE_SENDER_BINDING", "true"));
        var client = host.CreateClient();

        var bearer = await host.ClientWith(issuer.Token()).GetAsync(ValuePath);
        var body = await bearer.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "SENDER_BINDING_REQUIRED");
        body.ToJsonString().ShouldNotContain("dev-api-key");
        var challenge = Challenge(bearer);
        challenge.ShouldStartWith("DPoP error=\"invalid_token\"");
        challenge.ShouldContain($"algs=\"{DpopAlgs}\"");
        var audit = (await host.AuditAsync("event_type=BINDING_DENIED")).ShouldHaveSingleItem();
        audit["error_code"]!.GetValue<string>().ShouldBe("SENDER_BINDING_REQUIRED");
        audit["subject"]!.GetValue<string>().ShouldBe(TestIssuer.Subject);

        using var key = ProofKey.Ec();
        var dpop = await GetAsync(client, key, issuer.Token(TestIssuer.BoundToDpop(key)));
        dpop.StatusCode.ShouldBe(HttpStatusCode.OK, await dpop.Content.ReadAsStringAsync());

        var write = await host.ClientWith(issuer.Token()).PostJsonAsync("/api/secrets",
            new { uri = "openbao+kv2://secret/dpop/bearer-write", value = new { password = "p1" } });
        write.StatusCode.ShouldBe(HttpStatusCode.OK, await write.Content.ReadAsStringAsync());
    }
}
