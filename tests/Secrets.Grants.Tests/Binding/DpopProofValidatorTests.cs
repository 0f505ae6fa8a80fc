using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Secrets.Grants.Binding;
using Secrets.Testing.Auth;

namespace Secrets.Grants.Tests.Binding;

/// <summary>RFC 9449 §4.3 and §7.1: proofs from real keys pass; each broken check is refused with its exact error.</summary>
public sealed class DpopProofValidatorTests
{
    private const string Invalid = DpopFailure.InvalidProof;
    private const string UseNonce = DpopFailure.UseNonce;

    private static readonly ProofKey Rsa1024 = ProofKey.Rsa("RS256", 1024);

    [Theory]
    [InlineData("ES256")]
    [InlineData("ES384")]
    [InlineData("ES512")]
    [InlineData("RS256")]
    [InlineData("PS256")]
    [InlineData("RS512")]
    [InlineData("PS384")]
    [InlineData("EdDSA")]
    public void A_proof_signed_by_a_fresh_key_is_valid(string alg)
    {
        using var key = alg switch
        {
            "EdDSA" => ProofKey.Ed25519(),
            _ when alg.StartsWith("ES", StringComparison.Ordinal) => ProofKey.Ec(alg),
            _ => ProofKey.Rsa(alg),
        };
        var bed = new DpopTestBed(key);
        bed.Proof.Claims["jti"] = "jti-" + alg;

        var result = bed.Validate();

        result.IsValid.ShouldBeTrue(result.ToString());
        result.Proof.ShouldBe(new DpopProof("jti-" + alg, DpopTestBed.Start, key.Thumbprint));
    }

    [Theory]
    [InlineData("https://secrets.example.com/api/secrets/value?uri=openbao%2Bkv2://secret/app#frag")]
    [InlineData("HTTPS://Secrets.Example.COM:443/api/secrets/value")]
    [InlineData("https://secrets.example.com/api/%73ecrets/value")]
    [InlineData("https://secrets.example.com/api/./secrets/x/../value")]
    public void An_htu_equal_after_normalisation_or_with_a_query_is_valid(string htu)
    {
        var bed = new DpopTestBed();
        bed.Proof.Claims["htu"] = htu;
        bed.Validate().IsValid.ShouldBeTrue();
    }

    [Fact]
    public void The_request_url_is_compared_without_its_query_too()
    {
        var bed = new DpopTestBed { RequestUrl = DpopTestBed.Url + "?uri=x&version=2" };
        bed.Validate().IsValid.ShouldBeTrue();
    }

    [Theory]
    [InlineData(-300)]
    [InlineData(0)]
    [InlineData(5)]
    public void An_iat_inside_the_window_is_valid(int offsetSeconds)
    {
        var bed = new DpopTestBed();
        bed.Proof.Claims["iat"] = DpopTestBed.Start.ToUnixTimeSeconds() + offsetSeconds;
        bed.Validate().IsValid.ShouldBeTrue();
    }

    [Fact]
    public void The_window_follows_ANTI_REPLAY_TTL_S()
    {
        var bed = new DpopTestBed(options: DpopOptions.Default with { ReplayWindowSeconds = 30 });
        bed.Proof.Claims["iat"] = DpopTestBed.Start.ToUnixTimeSeconds() - 31;
        bed.Validate().Failure!.Description.ShouldBe("the iat is too old");
        bed.Proof.Claims["iat"] = DpopTestBed.Start.ToUnixTimeSeconds() - 30;
        bed.Validate().IsValid.ShouldBeTrue();
    }

    [Fact]
    public void A_fractional_iat_is_accepted_as_a_numeric_date()
    {
        var bed = new DpopTestBed();
        bed.Proof.Claims["iat"] = DpopTestBed.Start.ToUnixTimeSeconds() + 0.75;
        bed.Validate().Proof!.IssuedAt.ShouldBe(DpopTestBed.Start);
    }

    [Fact]
    public void A_nonce_of_the_current_or_previous_step_is_valid_when_required()
    {
        var bed = new DpopTestBed(options: DpopOptions.Default with { NonceRequired = true });
        bed.Proof.Claims["nonce"] = bed.Nonces.Issue();
        bed.Validate().IsValid.ShouldBeTrue();

        bed.Time.Advance(TimeSpan.FromSeconds(61));
        bed.Proof.Claims["iat"] = bed.Time.GetUtcNow().ToUnixTimeSeconds();
        bed.Validate().IsValid.ShouldBeTrue();
    }

    [Fact]
    public void A_nonce_is_not_needed_unless_required_but_the_request_can_require_one()
    {
        var bed = new DpopTestBed();
        bed.Validate().IsValid.ShouldBeTrue();
        bed.RequireNonce = true;
        bed.Validate().Failure!.Error.ShouldBe(UseNonce);
    }

    [Fact]
    public void Only_the_configured_algs_are_accepted()
    {
        var bed = new DpopTestBed(DpopTestBed.Rs256, DpopOptions.Default with { Algorithms = ["ES256"] });
        bed.Validate().Failure.ShouldBe(new DpopFailure(Invalid, "the alg is not an allowed asymmetric algorithm"));
    }

    /// <summary>One broken check per case: the name, what is broken, and the exact error and description.</summary>
    private static readonly Dictionary<string, (Action<DpopTestBed> Break, string Error, string Description)> Cases = new()
    {
        ["no DPoP header"] = (b => b.Headers = [], Invalid, "the DPoP header is missing"),
        ["an empty DPoP header"] = (b => b.Headers = [""], Invalid, "the DPoP header is missing"),
        ["two DPoP headers"] = (b => b.Headers = [b.Proof.Build(), b.Proof.Build()], Invalid, "more than one DPoP header"),
        ["two parts"] = (b => b.Tamper = p => p[..p.LastIndexOf('.')], Invalid, "the DPoP proof is not a compact JWS"),
        ["four parts"] = (b => b.Tamper = p => p + ".AAAA", Invalid, "the DPoP proof is not a compact JWS"),
        ["an empty signature"] = (b => b.Tamper = p => p[..(p.LastIndexOf('.') + 1)], Invalid, "the DPoP proof is not a compact JWS"),
        ["a comma-joined pair of proofs"] = (b => b.Tamper = p => p + ", " + p, Invalid, "the DPoP proof is not a compact JWS"),
        ["base64 padding"] = (b => b.Tamper = p => p.Replace(".", "=.", StringComparison.Ordinal), Invalid, "the DPoP proof is not base64url"),
        ["base64 (not url) alphabet"] = (b => b.Tamper = p => "+/" + p, Invalid, "the DPoP proof is not base64url"),
        ["a header that is not JSON"] = (b => b.Tamper = p => Segment("{\"typ\":\"dpop+jwt\",") + p[p.IndexOf('.')..], Invalid, "the DPoP proof header or payload is not a JSON object"),
        ["a payload that is a JSON array"] = (b => b.Tamper = p => ReplacePayload(p, "[\"jti\"]"), Invalid, "the DPoP proof header or payload is not a JSON object"),
        ["duplicate claims"] = (b => b.Tamper = p => ReplacePayload(p, "{\"htm\":\"GET\",\"htm\":\"POST\"}"), Invalid, "the DPoP proof header or payload is not a JSON object"),
        ["typ JWT"] = (b => b.Proof.Header["typ"] = "JWT", Invalid, "the typ is not dpop+jwt"),
        ["no typ"] = (b => b.Proof.Header.Remove("typ"), Invalid, "the typ is not dpop+jwt"),
        ["a crit header"] = (b => b.Proof.Header["crit"] = new[] { "exp" }, Invalid, "the proof has critical header parameters"),
        ["alg none"] = (b => { b.Proof.Header["alg"] = "none"; b.Proof.Signer = _ => [0]; }, Invalid, "the alg is not an allowed asymmetric algorithm"),
        ["alg HS256 keyed with the public key"] = (b =>
        {
            b.Proof.Header["alg"] = "HS256";
            b.Proof.Signer = input => HMACSHA256.HashData(b.Key.PublicKeyBytes(), input);
        }, Invalid, "the alg is not an allowed asymmetric algorithm"),
        ["an unknown alg"] = (b => b.Proof.Header["alg"] = "ES256K", Invalid, "the alg is not an allowed asymmetric algorithm"),
        ["no alg"] = (b => b.Proof.Header.Remove("alg"), Invalid, "the alg is not an allowed asymmetric algorithm"),
        ["alg RS256 with an EC key"] = (b => { b.Proof.Header["alg"] = "RS256"; b.Proof.Alg = "ES256"; }, Invalid, "the jwk key type does not match the alg"),
        ["alg EdDSA with an EC key"] = (b => b.Proof.Header["alg"] = "EdDSA", Invalid, "the jwk key type does not match the alg"),
        ["alg ES384 with a P-256 key"] = (b => { b.Proof.Header["alg"] = "ES384"; b.Proof.Alg = "ES384"; }, Invalid, "the jwk curve does not match the alg"),
        ["an RSA key of 1024 bits"] = (b =>
        {
            b.Proof.Key = Rsa1024;
            b.Proof.Alg = "RS256";
            b.Proof.Header["alg"] = "RS256";
            b.Proof.Header["jwk"] = Rsa1024.PublicJwk;
            b.ExpectedThumbprint = Rsa1024.Thumbprint;
        }, Invalid, "the RSA key is smaller than 2048 bits"),
        ["no jwk"] = (b => b.Proof.Header.Remove("jwk"), Invalid, "the proof has no jwk"),
        ["a jwk that is a string"] = (b => b.Proof.Header["jwk"] = "key", Invalid, "the proof has no jwk"),
        ["a jwk with its private part"] = (b => b.Proof.Header["jwk"] = WithMembers(b.Key.PublicJwk, b.Key.PrivateMembers), Invalid, "the jwk contains a private key"),
        ["a symmetric (oct) jwk"] = (b => b.Proof.Header["jwk"] = new Dictionary<string, object> { ["kty"] = "oct", ["k"] = "c2VjcmV0" }, Invalid, "the jwk contains a private key"),
        ["a jwk of unknown kty"] = (b => b.Proof.Header["jwk"] = WithMembers(b.Key.PublicJwk, new() { ["kty"] = "XYZ" }), Invalid, "the jwk is not a supported public key"),
        ["a jwk point not on the curve"] = (b => b.Proof.Header["jwk"] = WithMembers(b.Key.PublicJwk, new() { ["y"] = Jose.Base64Url(new byte[32]) }), Invalid, "the jwk is not a valid EC public key"),
        ["a flipped signature bit"] = (b => b.Tamper = p => FlipSignatureBit(p), Invalid, "the signature does not verify"),
        ["a DER-encoded ECDSA signature"] = (b => b.Proof.Signer = input => ToDer(b.Key.Sign("ES256", input)), Invalid, "the signature does not verify"),
        ["a signature by another key"] = (b => b.Proof.Key = DpopTestBed.OtherEs256, Invalid, "the signature does not verify"),
        ["the payload tampered after signing"] = (b => b.Tamper = p => ReplacePayload(p, Json(b.Proof.Claims, "jti", "another-jti")), Invalid, "the signature does not verify"),
        ["the header tampered after signing"] = (b => b.Tamper = p => Segment(Json(b.Proof.Header, "kid", "k1")) + p[p.IndexOf('.')..], Invalid, "the signature does not verify"),
        ["htm POST"] = (b => b.Proof.Claims["htm"] = "POST", Invalid, "the htm does not match the request method"),
        ["htm in lower case"] = (b => b.Proof.Claims["htm"] = "get", Invalid, "the htm does not match the request method"),
        ["no htm"] = (b => b.Proof.Claims.Remove("htm"), Invalid, "the htm does not match the request method"),
        ["htu of another host"] = (b => b.Proof.Claims["htu"] = "https://evil.example.com/api/secrets/value", Invalid, "the htu does not match the request URL"),
        ["htu of another scheme"] = (b => b.Proof.Claims["htu"] = "http://secrets.example.com/api/secrets/value", Invalid, "the htu does not match the request URL"),
        ["htu of another port"] = (b => b.Proof.Claims["htu"] = "https://secrets.example.com:8443/api/secrets/value", Invalid, "the htu does not match the request URL"),
        ["htu of another path"] = (b => b.Proof.Claims["htu"] = "https://secrets.example.com/api/secrets/metadata", Invalid, "the htu does not match the request URL"),
        ["htu with a trailing slash"] = (b => b.Proof.Claims["htu"] = DpopTestBed.Url + "/", Invalid, "the htu does not match the request URL"),
        ["htu with an encoded slash"] = (b => b.Proof.Claims["htu"] = "https://secrets.example.com/api%2Fsecrets/value", Invalid, "the htu does not match the request URL"),
        ["htu with user info"] = (b => b.Proof.Claims["htu"] = "https://user@secrets.example.com/api/secrets/value", Invalid, "the htu does not match the request URL"),
        ["a relative htu"] = (b => b.Proof.Claims["htu"] = "/api/secrets/value", Invalid, "the htu does not match the request URL"),
        ["no htu"] = (b => b.Proof.Claims.Remove("htu"), Invalid, "the htu does not match the request URL"),
        ["iat 301 s old"] = (b => b.Proof.Claims["iat"] = DpopTestBed.Start.ToUnixTimeSeconds() - 301, Invalid, "the iat is too old"),
        ["iat 6 s ahead"] = (b => b.Proof.Claims["iat"] = DpopTestBed.Start.ToUnixTimeSeconds() + 6, Invalid, "the iat is in the future"),
        ["no iat"] = (b => b.Proof.Claims.Remove("iat"), Invalid, "the iat is missing or not a number"),
        ["iat as a string"] = (b => b.Proof.Claims["iat"] = DpopTestBed.Start.ToUnixTimeSeconds().ToString(), Invalid, "the iat is missing or not a number"),
        ["a negative iat"] = (b => b.Proof.Claims["iat"] = -1, Invalid, "the iat is missing or not a number"),
        ["no jti"] = (b => b.Proof.Claims.Remove("jti"), Invalid, "the jti is missing, empty or longer than 256 characters"),
        ["an empty jti"] = (b => b.Proof.Claims["jti"] = "", Invalid, "the jti is missing, empty or longer than 256 characters"),
        ["a jti of 257 characters"] = (b => b.Proof.Claims["jti"] = new string('j', 257), Invalid, "the jti is missing, empty or longer than 256 characters"),
        ["a numeric jti"] = (b => b.Proof.Claims["jti"] = 42, Invalid, "the jti is missing, empty or longer than 256 characters"),
        ["no ath"] = (b => b.Proof.Claims.Remove("ath"), Invalid, "the ath is missing"),
        ["the ath of another token"] = (b => b.Proof.Claims["ath"] = AccessTokenHash.Of("another-token"), Invalid, "the ath does not match the access token"),
        ["the token itself as ath"] = (b => b.Proof.Claims["ath"] = DpopTestBed.Token, Invalid, "the ath does not match the access token"),
        ["a token bound to another key"] = (b => b.ExpectedThumbprint = DpopTestBed.OtherEs256.Thumbprint, DpopFailure.InvalidToken, "the proof key does not match the token's cnf.jkt"),
        ["no nonce when required"] = (b => b.RequireNonce = true, UseNonce, "a DPoP nonce is required"),
        ["a made-up nonce"] = (b =>
        {
            b.RequireNonce = true;
            b.Proof.Claims["nonce"] = Jose.Base64Url(RandomNumberGenerator.GetBytes(24));
        }, UseNonce, "the DPoP nonce is invalid or expired"),
        ["a nonce from another server"] = (b =>
        {
            b.RequireNonce = true;
            b.Proof.Claims["nonce"] = new DpopNonceIssuer(b.Time, b.Options).Issue();
        }, UseNonce, "the DPoP nonce is invalid or expired"),
        ["an expired nonce"] = (b =>
        {
            b.RequireNonce = true;
            b.Proof.Claims["nonce"] = b.Nonces.Issue();
            b.Time.Advance(TimeSpan.FromSeconds(120));
            b.Proof.Claims["iat"] = b.Time.GetUtcNow().ToUnixTimeSeconds();
        }, UseNonce, "the DPoP nonce is invalid or expired"),
        ["a numeric nonce"] = (b => { b.RequireNonce = true; b.Proof.Claims["nonce"] = 7; }, UseNonce, "the DPoP nonce is invalid or expired"),
        ["a proof over 8 KiB"] = (b => b.Proof.Claims["pad"] = new string('p', 8 * 1024), Invalid, "the DPoP proof is too large"),
    };

    public static TheoryData<string> CaseNames() => [.. Cases.Keys];

    [Fact]
    public void The_negative_matrix_has_at_least_thirty_cases() => Cases.Count.ShouldBeGreaterThanOrEqualTo(30);

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void A_proof_with_one_broken_check_is_refused(string name)
    {
        var (breakIt, error, description) = Cases[name];
        var bed = new DpopTestBed();
        bed.Validate().IsValid.ShouldBeTrue("the unbroken proof is valid");

        breakIt(bed);
        var result = bed.Validate();

        result.IsValid.ShouldBeFalse();
        result.Failure.ShouldBe(new DpopFailure(error, description));
    }

    [Fact]
    public void No_error_description_contains_the_token_the_proof_or_key_material()
    {
        var secrets = new List<string> { DpopTestBed.Token, AccessTokenHash.Of(DpopTestBed.Token) };
        foreach (var key in new[] { DpopTestBed.Es256, DpopTestBed.OtherEs256, Rsa1024 })
        {
            secrets.AddRange(key.PublicJwk.Values.OfType<string>().Where(v => v.Length > 8));
            secrets.AddRange(key.PrivateMembers.Values);
            secrets.Add(key.Thumbprint);
        }

        foreach (var (name, (breakIt, _, _)) in Cases)
        {
            var bed = new DpopTestBed();
            breakIt(bed);
            var failure = bed.Validate().Failure!;
            var said = failure.Description + " " + failure.WwwAuthenticate(bed.Options.Algorithms);
            foreach (var secret in secrets.Concat(bed.Sent is { } sent ? sent.Split('.').Append(sent) : []).Where(s => s.Length >= 8))
                said.ShouldNotContain(secret, Case.Sensitive, $"case '{name}'");
        }
    }

    [Fact]
    public void A_fresh_nonce_comes_with_use_dpop_nonce_and_the_retry_passes()
    {
        var bed = new DpopTestBed(options: DpopOptions.Default with { NonceRequired = true });
        var failure = bed.Validate().Failure!;
        failure.NeedsNonce.ShouldBeTrue();
        failure.WwwAuthenticate(bed.Options.Algorithms).ShouldStartWith("DPoP error=\"use_dpop_nonce\"");

        bed.Proof.Claims["nonce"] = bed.Nonces.Issue();
        bed.Proof.Claims["jti"] = "retry";
        bed.Validate().Proof!.Jti.ShouldBe("retry");
    }

    private static string Segment(string json) => Base64UrlStrict.Encode(Encoding.UTF8.GetBytes(json));

    private static string ReplacePayload(string proof, string json)
    {
        var parts = proof.Split('.');
        return parts[0] + "." + Segment(json) + "." + parts[2];
    }

    private static string Json(Dictionary<string, object> members, string name, object value) =>
        JsonSerializer.Serialize(new Dictionary<string, object>(members) { [name] = value });

    private static Dictionary<string, object> WithMembers(Dictionary<string, object> members, Dictionary<string, string> more)
    {
        var copy = new Dictionary<string, object>(members);
        foreach (var (name, value) in more)
            copy[name] = value;
        return copy;
    }

    private static string FlipSignatureBit(string proof)
    {
        var dot = proof.LastIndexOf('.');
        Base64UrlStrict.TryDecode(proof.AsSpan(dot + 1), out var signature).ShouldBeTrue();
        signature[^1] ^= 0x01;
        return proof[..(dot + 1)] + Base64UrlStrict.Encode(signature);
    }

    /// <summary>The same ECDSA signature as ASN.1 DER, which JWS does not use (RFC 7518 §3.4).</summary>
    private static byte[] ToDer(byte[] p1363)
    {
        var half = p1363.Length / 2;
        var writer = new System.Formats.Asn1.AsnWriter(System.Formats.Asn1.AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteIntegerUnsigned(Minimal(p1363.AsSpan(0, half)));
            writer.WriteIntegerUnsigned(Minimal(p1363.AsSpan(half)));
        }
        return writer.Encode();

        // DER integers have no leading zero bytes; r or s starts with one about once in 128 signatures
        static ReadOnlySpan<byte> Minimal(ReadOnlySpan<byte> value) =>
            value.IndexOfAnyExcept((byte)0) is var first and > 0 ? value[first..] : value;
    }
}
