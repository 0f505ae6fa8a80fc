using System.Net;
using System.Net.Http.Headers;
using Secrets.Testing;
using Secrets.Testing.Auth;
using static Secrets.Testing.Auth.TokenRequests;

namespace Secrets.Host.Tests.Tls;

/// <summary>SECRETS_REQUIRE_SENDER_BINDING with mTLS, and a grant's binding (docs/AUTHENTICATION.md#sender-binding-and-grants).</summary>
public sealed class MtlsEnforcedTests(MtlsEnforcedHostFixture fx) : IClassFixture<MtlsEnforcedHostFixture>
{
    [Fact]
    public async Task With_sender_binding_required_a_certificate_bound_token_reads_and_an_unbound_one_is_refused()
    {
        using var client = fx.Client(fx.Pki.EcClient);
        await (await ReadWithTokenAsync(client, fx.Issuer.Token(TestIssuer.BoundToCertificate(fx.Pki.EcClient)))).ShouldReadTheValueAsync();

        var refused = await ReadWithTokenAsync(client, fx.Issuer.Token());
        await refused.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "SENDER_BINDING_REQUIRED");
        refused.Headers.WwwAuthenticate.ToString().ShouldContain("error=\"invalid_token\"");
    }

    [Fact]
    public async Task A_grant_decided_for_one_certificate_is_refused_to_another_certificate_of_the_same_subject()
    {
        using var a = fx.Client(fx.Pki.EcClient);
        using var requestA = new HttpRequestMessage(HttpMethod.Get, OtherValuePath);
        requestA.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fx.Issuer.Token(TestIssuer.BoundToCertificate(fx.Pki.EcClient)));
        var first = await (await a.SendAsync(requestA)).ShouldBeOkJsonAsync();
        first["value"]!.GetValue<string>().ShouldBe("other-value");

        using var b = fx.Client(fx.Pki.RsaClient);
        using var requestB = new HttpRequestMessage(HttpMethod.Get, OtherValuePath);
        requestB.Headers.Authorization = new AuthenticationHeaderValue("Bearer", fx.Issuer.Token(TestIssuer.BoundToCertificate(fx.Pki.RsaClient)));
        var drift = await b.SendAsync(requestB);
        await drift.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "BINDING_DENIED");
        drift.Headers.WwwAuthenticate.ToString().ShouldContain("invalid_token");
    }
}
