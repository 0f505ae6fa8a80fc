using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Secrets.Grants.Binding;
using Secrets.Testing.Auth;

namespace Secrets.Grants.Tests.Binding;

/// <summary>RFC 7638: required members only, in lexicographic order, no whitespace; public RSA, EC and OKP keys only.</summary>
public sealed class JwkThumbprintTests
{
    private static string Thumbprint(string json)
    {
        using var jwk = JsonDocument.Parse(json);
        return JwkThumbprint.Compute(jwk.RootElement);
    }

    private static string Sha256(string canonical) => Base64UrlStrict.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));

    [Fact]
    public void Ec_thumbprint_hashes_crv_kty_x_y_in_order_whatever_the_member_order_and_extra_members()
    {
        var thumbprint = Thumbprint("""{ "y": "Yy", "use": "sig", "x": "Xx", "kid": "k1", "kty": "EC", "crv": "P-256" }""");
        thumbprint.ShouldBe(Sha256("""{"crv":"P-256","kty":"EC","x":"Xx","y":"Yy"}"""));
    }

    [Fact]
    public void Okp_thumbprint_hashes_crv_kty_x()
    {
        Thumbprint("""{"x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo","kty":"OKP","crv":"Ed25519"}""")
            .ShouldBe(Sha256("""{"crv":"Ed25519","kty":"OKP","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}"""));
    }

    [Fact]
    public void Rsa_thumbprint_hashes_e_kty_n()
    {
        Thumbprint("""{"n":"Nn","e":"AQAB","kty":"RSA","alg":"RS256"}""").ShouldBe(Sha256("""{"e":"AQAB","kty":"RSA","n":"Nn"}"""));
    }

    [Fact]
    public void A_generated_key_has_a_43_character_base64url_thumbprint()
    {
        using var key = ProofKey.Ed25519();
        key.Thumbprint.Length.ShouldBe(43);
        key.Thumbprint.ShouldMatch("^[A-Za-z0-9_-]{43}$");
    }

    [Theory]
    [InlineData("""{"kty":"EC","crv":"P-256","x":"Xx","y":"Yy","d":"Dd"}""")]
    [InlineData("""{"kty":"RSA","n":"Nn","e":"AQAB","p":"Pp"}""")]
    [InlineData("""{"kty":"RSA","n":"Nn","e":"AQAB","qi":"Qi"}""")]
    [InlineData("""{"kty":"OKP","crv":"Ed25519","x":"Xx","d":"Dd"}""")]
    [InlineData("""{"kty":"oct","k":"c2VjcmV0"}""")]
    [InlineData("""{"kty":"XYZ","x":"Xx"}""")]
    [InlineData("""{"crv":"P-256","x":"Xx","y":"Yy"}""")]
    [InlineData("""{"kty":"EC","crv":"P-256","x":"Xx"}""")]
    [InlineData("""{"kty":"EC","crv":"P-256","x":"Xx","y":7}""")]
    [InlineData("""{"kty":"EC","crv":"P-256","x":"Xx","y":"Y\"y"}""")]
    [InlineData("""["kty"]""")]
    public void Private_symmetric_unknown_or_incomplete_keys_have_no_thumbprint(string json)
    {
        var compute = () => Thumbprint(json);
        var thrown = compute.ShouldThrow<ArgumentException>();
        thrown.Message.ShouldNotContain("Dd");
        thrown.Message.ShouldNotContain("c2VjcmV0");
    }

    [Fact]
    public void Access_token_hash_is_base64url_sha256_of_the_ascii_token()
    {
        AccessTokenHash.Of("abc").ShouldBe(Sha256("abc"));
        AccessTokenHash.Matches(Sha256("abc"), "abc").ShouldBeTrue();
        AccessTokenHash.Matches(Sha256("abc"), "abd").ShouldBeFalse();
        AccessTokenHash.Matches("", "abc").ShouldBeFalse();
    }
}
