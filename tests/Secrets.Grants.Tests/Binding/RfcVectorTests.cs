using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Secrets.Grants.Binding;

namespace Secrets.Grants.Tests.Binding;

/// <summary>The published examples of RFC 7638 (JWK thumbprints) and RFC 9449 (DPoP), copied from the RFC text.</summary>
public sealed class RfcVectorTests
{
    // RFC 7638 §3.1: the example RSA key (its "alg" and "kid" are not part of the thumbprint) and its thumbprint.
    private const string Rfc7638Jwk = """
        {
          "kty": "RSA",
          "n": "0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw",
          "e": "AQAB",
          "alg": "RS256",
          "kid": "2011-04-29"
        }
        """;
    private const string Rfc7638Thumbprint = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs";

    // RFC 9449 §4.2 and §7.1 (decoded proofs): the client's example P-256 key; §6.1 (and §6.2): its cnf.jkt.
    private const string Rfc9449Jwk = """
        {
          "kty":"EC",
          "x":"l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs",
          "y":"9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA",
          "crv":"P-256"
        }
        """;
    private const string Rfc9449Jkt = "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I";

    // RFC 9449 §5 (access token response): the access token; §7.1 (decoded proof): its ath.
    private const string Rfc9449AccessToken = "Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU";
    private const string Rfc9449Ath = "fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo";

    // RFC 9449 §4.1 (example DPoP header, also in the token request of §5): a proof for POST https://server.example.com/token,
    // iat 1562262616, without ath. Line breaks of the RFC removed.
    private const string Rfc9449TokenRequestProof =
        "eyJ0eXAiOiJkcG9wK2p3dCIsImFsZyI6IkVTMjU2IiwiandrIjp7Imt0eSI6Ik" +
        "VDIiwieCI6Imw4dEZyaHgtMzR0VjNoUklDUkRZOXpDa0RscEJoRjQyVVFVZldWQVdCR" +
        "nMiLCJ5IjoiOVZFNGpmX09rX282NHpiVFRsY3VOSmFqSG10NnY5VERWclUwQ2R2R1JE" +
        "QSIsImNydiI6IlAtMjU2In19.eyJqdGkiOiItQndDM0VTYzZhY2MybFRjIiwiaHRtIj" +
        "oiUE9TVCIsImh0dSI6Imh0dHBzOi8vc2VydmVyLmV4YW1wbGUuY29tL3Rva2VuIiwia" +
        "WF0IjoxNTYyMjYyNjE2fQ.2-GxA6T8lP4vfrg8v-FdWP0A0zdrj8igiMLvqRMUvwnQg" +
        "4PtFLbdLXiOSsX0x7NVY-FNyJK70nfbV37xRZT3Lg";

    // RFC 9449 §5 (token request with a refresh token): its proof, iat 1562265296.
    private const string Rfc9449RefreshProof =
        "eyJ0eXAiOiJkcG9wK2p3dCIsImFsZyI6IkVTMjU2IiwiandrIjp7Imt0eSI6Ik" +
        "VDIiwieCI6Imw4dEZyaHgtMzR0VjNoUklDUkRZOXpDa0RscEJoRjQyVVFVZldWQVdCR" +
        "nMiLCJ5IjoiOVZFNGpmX09rX282NHpiVFRsY3VOSmFqSG10NnY5VERWclUwQ2R2R1JE" +
        "QSIsImNydiI6IlAtMjU2In19.eyJqdGkiOiItQndDM0VTYzZhY2MybFRjIiwiaHRtIj" +
        "oiUE9TVCIsImh0dSI6Imh0dHBzOi8vc2VydmVyLmV4YW1wbGUuY29tL3Rva2VuIiwia" +
        "WF0IjoxNTYyMjY1Mjk2fQ.pAqut2IRDm_De6PR93SYmGBPXpwrAk90e8cP2hjiaG5Qs" +
        "GSuKDYW7_X620BxqhvYC8ynrrvZLTk41mSRroapUA";

    // RFC 9449 §7.1 (DPoP-protected resource request): the proof of a request, GET
    // https://resource.example.org/protectedresource, iat 1562262618, with ath. Line breaks of the RFC removed.
    private const string Rfc9449ResourceProof =
        "eyJ0eXAiOiJkcG9wK2p3dCIsImFsZyI6IkVTMjU2IiwiandrIjp7Imt0eSI6Ik" +
        "VDIiwieCI6Imw4dEZyaHgtMzR0VjNoUklDUkRZOXpDa0RscEJoRjQyVVFVZldWQVdCR" +
        "nMiLCJ5IjoiOVZFNGpmX09rX282NHpiVFRsY3VOSmFqSG10NnY5VERWclUwQ2R2R1JE" +
        "QSIsImNydiI6IlAtMjU2In19.eyJqdGkiOiJlMWozVl9iS2ljOC1MQUVCIiwiaHRtIj" +
        "oiR0VUIiwiaHR1IjoiaHR0cHM6Ly9yZXNvdXJjZS5leGFtcGxlLm9yZy9wcm90ZWN0Z" +
        "WRyZXNvdXJjZSIsImlhdCI6MTU2MjI2MjYxOCwiYXRoIjoiZlVIeU8ycjJaM0RaNTNF" +
        "c05yV0JiMHhXWG9hTnk1OUlpS0NBcWtzbVFFbyJ9.2oW9RP35yRqzhrtNP86L-Ey71E" +
        "OptxRimPPToA1plemAgR6pxHF8y6-yqyVnmcw6Fy1dqd-jfxSYoMxhAJpLjA";

    [Fact]
    public void Rfc7638_example_rsa_key_has_the_published_thumbprint()
    {
        using var jwk = JsonDocument.Parse(Rfc7638Jwk);
        JwkThumbprint.Compute(jwk.RootElement).ShouldBe(Rfc7638Thumbprint);
    }

    [Fact]
    public void Rfc9449_example_key_has_the_published_cnf_jkt()
    {
        using var jwk = JsonDocument.Parse(Rfc9449Jwk);
        JwkThumbprint.Compute(jwk.RootElement).ShouldBe(Rfc9449Jkt);
    }

    [Fact]
    public void Rfc9449_example_access_token_has_the_published_ath()
    {
        AccessTokenHash.Of(Rfc9449AccessToken).ShouldBe(Rfc9449Ath);
        AccessTokenHash.Matches(Rfc9449Ath, Rfc9449AccessToken).ShouldBeTrue();
    }

    [Fact]
    public void Rfc9449_protected_resource_proof_is_valid_at_its_iat_for_its_request()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1562262618));
        var validator = new DpopProofValidator(DpopOptions.Default, new DpopNonceIssuer(time, DpopOptions.Default), time);

        var result = validator.Validate(new DpopProofRequest(
            "GET", "https://resource.example.org/protectedresource", [Rfc9449ResourceProof], Rfc9449AccessToken, Rfc9449Jkt));

        result.IsValid.ShouldBeTrue(result.ToString());
        result.Proof.ShouldBe(new DpopProof("e1j3V_bKic8-LAEB", DateTimeOffset.FromUnixTimeSeconds(1562262618), Rfc9449Jkt));
    }

    [Fact]
    public void Rfc9449_protected_resource_proof_is_refused_with_another_token_or_an_hour_later()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1562262618));
        var validator = new DpopProofValidator(DpopOptions.Default, new DpopNonceIssuer(time, DpopOptions.Default), time);
        DpopProofRequest Request(string token) =>
            new("GET", "https://resource.example.org/protectedresource", [Rfc9449ResourceProof], token, Rfc9449Jkt);

        validator.Validate(Request("another-token")).Failure!.Description.ShouldBe("the ath does not match the access token");
        time.Advance(TimeSpan.FromHours(1));
        validator.Validate(Request(Rfc9449AccessToken)).Failure!.Description.ShouldBe("the iat is too old");
    }

    [Theory]
    [InlineData(Rfc9449TokenRequestProof, 1562262616)]
    [InlineData(Rfc9449RefreshProof, 1562265296)]
    public void Rfc9449_token_request_proofs_pass_every_check_but_the_ath_a_resource_server_requires(string proof, long iat)
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(iat));
        var validator = new DpopProofValidator(DpopOptions.Default, new DpopNonceIssuer(time, DpopOptions.Default), time);

        var result = validator.Validate(new DpopProofRequest(
            "POST", "https://server.example.com/token", [proof], Rfc9449AccessToken, Rfc9449Jkt));

        result.Failure.ShouldBe(new DpopFailure(DpopFailure.InvalidProof, "the ath is missing"));
    }

    [Theory]
    [InlineData(Rfc9449TokenRequestProof)]
    [InlineData(Rfc9449RefreshProof)]
    [InlineData(Rfc9449ResourceProof)]
    public void Rfc9449_example_signatures_verify_with_the_example_key(string proof)
    {
        using var jwk = JsonDocument.Parse(Rfc9449Jwk);
        var parts = proof.Split('.');
        Base64UrlStrict.TryDecode(parts[2], out var signature).ShouldBeTrue();

        var keys = new DpopKeys();
        var thumbprint = JwkThumbprint.Compute(jwk.RootElement);

        DpopAlgorithms.Verify("ES256", jwk.RootElement, thumbprint, keys, Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), signature).ShouldBeNull();
        keys.Count.ShouldBe(1);   // the imported key is kept for the next proof
        signature[0] ^= 1;
        DpopAlgorithms.Verify("ES256", jwk.RootElement, thumbprint, keys, Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), signature)
            .ShouldBe("the signature does not verify");   // … and a kept key still checks every signature
    }
}
