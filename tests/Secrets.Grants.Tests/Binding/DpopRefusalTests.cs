using System.Text.Json.Nodes;
using Secrets.Testing.Auth;
using static Secrets.Testing.Auth.AuthAssertions;
using static Secrets.Testing.Auth.TokenRequests;

namespace Secrets.Grants.Tests.Binding;

/// <summary>
/// The RFC 9449 §4.3 checks over HTTP, one broken per case, everything else valid: each refusal is 401
/// with its problem code and a <c>DPoP</c> challenge carrying the <c>error</c>, a fixed description naming
/// the check, and <c>algs</c>. Proof checks answer INVALID_DPOP_PROOF / <c>invalid_dpop_proof</c>; a bound
/// token in the Bearer scheme and an unbound one in the DPoP scheme answer INVALID_TOKEN / <c>invalid_token</c>.
/// </summary>
public sealed class DpopRefusalTests : IClassFixture<DpopRefusalTests.Hosts>
{
    public sealed class Hosts : IDisposable
    {
        private readonly Lazy<AuthenticatedHost> es256Only;

        public Hosts()
        {
            Default = new AuthenticatedHost(Issuer, null);
            es256Only = new(() => new AuthenticatedHost(Issuer, null, ("DPOP_SIGNING_ALGS", "ES256")));
        }

        public TestIssuer Issuer { get; } = new();
        public AuthenticatedHost Default { get; }
        public AuthenticatedHost Es256Only => es256Only.Value;

        public void Dispose()
        {
            Default.Dispose();
            if (es256Only.IsValueCreated)
                es256Only.Value.Dispose();
            Issuer.Dispose();
        }
    }

    /// <summary>What a case sends and what it must get back (<see cref="Description"/>: a fragment of error_description, or null).</summary>
    private sealed record Expect(HttpRequestMessage Request, string Code, string Error, string? Description, bool Es256Only = false, string Algs = DpopAlgs);

    private const string Proof = "INVALID_DPOP_PROOF";
    private const string ProofError = "invalid_dpop_proof";

    private readonly Hosts hosts;

    public DpopRefusalTests(Hosts hosts)
    {
        this.hosts = hosts;
    }

    public static TheoryData<string> Names => new(CaseNames);

    private static readonly string[] CaseNames =
    [
        "no DPoP header", "empty DPoP header", "two DPoP headers", "not a JWS", "not base64url", "payload not a JSON object",
        "typ missing", "typ jwt", "alg none", "alg HS256 keyed with the public JWK", "alg ES256K", "alg RS1",
        "alg outside DPOP_SIGNING_ALGS", "jwk missing", "jwk with private d", "jwk of another key than the signer",
        "jwk of a key type other than the alg's", "signature tampered", "payload tampered", "jti missing", "jti empty",
        "jti of 257 characters", "htm POST for GET", "htm lower-case", "htu other path", "htu other host", "htu other scheme",
        "htu other port", "htu relative", "htu missing", "iat missing", "iat too old", "iat in the future", "iat a string",
        "ath missing", "ath of another token", "ath not base64url", "proof key other than cnf.jkt", "crit header present",
        "proof larger than 8 KiB", "duplicate htu member (signed)", "jwk symmetric (oct)", "EC key on another curve than the alg's", "RSA key of 1024 bits", "Bearer scheme with a jkt-bound token", "DPoP scheme with an unbound token",
    ];

    [Theory]
    [MemberData(nameof(Names))]
    public async Task A_proof_or_scheme_with_one_check_broken_is_refused(string name)
    {
        using var a = ProofKey.Ec();
        using var b = ProofKey.Ec();
        using var rsa = ProofKey.Rsa("RS256");
        var test = Build(name, hosts.Issuer, a, b, rsa);
        var client = (test.Es256Only ? hosts.Es256Only : hosts.Default).CreateClient();

        using var request = test.Request;
        var response = await client.SendAsync(request);

        var challenge = await response.ShouldBeDpopRefusalAsync(test.Code, test.Error, test.Algs);
        if (test.Description is { } fragment)
            challenge.ShouldContain(fragment, Shouldly.Case.Sensitive, $"case '{name}'");
    }

    [Fact]
    public void The_matrix_has_at_least_32_distinct_cases() => CaseNames.Distinct().Count().ShouldBeGreaterThanOrEqualTo(32);

    private static Expect Build(string name, TestIssuer issuer, ProofKey a, ProofKey b, ProofKey rsa)
    {
        var token = issuer.Token(TestIssuer.BoundToDpop(a));
        var get = HttpMethod.Get;
        HttpRequestMessage With(params string[] proofs) => Request(get, ValuePath, "DPoP", token, proofs);
        string Edited(Action<JwsBuilder> edit) => DpopProofs.Proof(a, "GET", ValueHtu, token, edit: edit);
        Expect Refused(string proof, string? description) => new(With(proof), Proof, ProofError, description);
        var valid = DpopProofs.Proof(a, "GET", ValueHtu, token);
        var parts = valid.Split('.');

        switch (name)
        {
            case "no DPoP header":
                return new(With(), Proof, ProofError, "the DPoP header is missing");
            case "empty DPoP header":
                return new(With(""), Proof, ProofError, "the DPoP header is missing");
            case "two DPoP headers":
                return new(With(valid, DpopProofs.Proof(a, "GET", ValueHtu, token)), Proof, ProofError, "more than one DPoP header");
            case "not a JWS":
                return Refused(parts[0] + "." + parts[1], "not a compact JWS");
            case "not base64url":
                return Refused(parts[0] + "." + parts[1].Replace(parts[1][..4], "a+b/", StringComparison.Ordinal) + "." + parts[2], "not base64url");
            case "payload not a JSON object":
                return Refused(parts[0] + "." + Jose.Base64UrlJson(new JsonArray(1, 2)) + "." + parts[2], "not a JSON object");
            case "typ missing":
                return Refused(Edited(j => j.Header.Remove("typ")), "typ");
            case "typ jwt":
                return Refused(Edited(j => j.Header["typ"] = "jwt"), "typ");
            case "alg none":
                return Refused(Edited(j => j.AlgNone()), null);
            case "alg HS256 keyed with the public JWK":
                return Refused(Edited(j => j.Hs256(a.PublicKeyBytes())), "alg");
            case "alg ES256K":
                return Refused(Edited(j => j.Header["alg"] = "ES256K"), "alg");
            case "alg RS1":
            {
                var rsaToken = issuer.Token(TestIssuer.BoundToDpop(rsa));
                var proof = DpopProofs.Proof(rsa, "GET", ValueHtu, rsaToken, edit: j => j.Header["alg"] = "RS1");
                return new(Request(get, ValuePath, "DPoP", rsaToken, proof), Proof, ProofError, "alg");
            }
            case "alg outside DPOP_SIGNING_ALGS":
            {
                var rsaToken = issuer.Token(TestIssuer.BoundToDpop(rsa));
                var proof = DpopProofs.Proof(rsa, "GET", ValueHtu, rsaToken);
                return new(Request(get, ValuePath, "DPoP", rsaToken, proof), Proof, ProofError, "alg", Es256Only: true, Algs: "ES256");
            }
            case "jwk missing":
                return Refused(Edited(j => j.Header.Remove("jwk")), "no jwk");
            case "jwk with private d":
                return Refused(Edited(j => j.Header["jwk"] = new Dictionary<string, object>(a.PublicJwk) { ["d"] = a.PrivateMembers["d"] }), "private");
            case "jwk of another key than the signer":
            {
                // The header names key B (and the token is bound to B): only the signature, made by A, is wrong.
                var bToken = issuer.Token(TestIssuer.BoundToDpop(b));
                var proof = DpopProofs.Proof(a, "GET", ValueHtu, bToken, edit: j => j.Header["jwk"] = new Dictionary<string, object>(b.PublicJwk));
                return new(Request(get, ValuePath, "DPoP", bToken, proof), Proof, ProofError, "signature");
            }
            case "jwk of a key type other than the alg's":
                return Refused(Edited(j => j.Header["alg"] = "RS256"), "key type");
            case "signature tampered":
            {
                var signature = Jose.FromBase64Url(parts[2]);
                signature[signature.Length / 2] ^= 0x01;
                return Refused(parts[0] + "." + parts[1] + "." + Jose.Base64Url(signature), "signature");
            }
            case "payload tampered":
            {
                var claims = JsonNode.Parse(Jose.FromBase64Url(parts[1]))!;
                claims["jti"] = Guid.NewGuid().ToString();
                return Refused(parts[0] + "." + Jose.Base64UrlJson(claims) + "." + parts[2], "signature");
            }
            case "jti missing":
                return Refused(Edited(j => j.Claims.Remove("jti")), "jti");
            case "jti empty":
                return Refused(Edited(j => j.Claims["jti"] = ""), "jti");
            case "jti of 257 characters":
                return Refused(Edited(j => j.Claims["jti"] = new string('j', 257)), "jti");
            case "htm POST for GET":
                return Refused(Edited(j => j.Claims["htm"] = "POST"), "htm");
            case "htm lower-case":
                return Refused(Edited(j => j.Claims["htm"] = "get"), "htm");
            case "htu other path":
                return Refused(Edited(j => j.Claims["htu"] = "http://localhost/api/secrets/list"), "htu");
            case "htu other host":
                return Refused(Edited(j => j.Claims["htu"] = "http://attacker.example/api/secrets/value"), "htu");
            case "htu other scheme":
                return Refused(Edited(j => j.Claims["htu"] = "https://localhost/api/secrets/value"), "htu");
            case "htu other port":
                return Refused(Edited(j => j.Claims["htu"] = "http://localhost:8080/api/secrets/value"), "htu");
            case "htu relative":
                return Refused(Edited(j => j.Claims["htu"] = "/api/secrets/value"), "htu");
            case "htu missing":
                return Refused(Edited(j => j.Claims.Remove("htu")), "htu");
            case "iat missing":
                return Refused(Edited(j => j.Claims.Remove("iat")), "iat");
            case "iat too old":
                return Refused(DpopProofs.Proof(a, "GET", ValueHtu, token, iat: DateTimeOffset.UtcNow.AddSeconds(-330)), "iat is too old");
            case "iat in the future":
                return Refused(DpopProofs.Proof(a, "GET", ValueHtu, token, iat: DateTimeOffset.UtcNow.AddSeconds(30)), "iat is in the future");
            case "iat a string":
                return Refused(Edited(j => j.Claims["iat"] = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture)), "iat");
            case "ath missing":
                return Refused(Edited(j => j.Claims.Remove("ath")), "ath");
            case "ath of another token":
                return Refused(Edited(j => j.Claims["ath"] = Jose.Ath(issuer.Token(TestIssuer.BoundToDpop(a)))), "ath");
            case "ath not base64url":
                return Refused(Edited(j => j.Claims["ath"] = "not base64url!"), "ath");
            case "proof key other than cnf.jkt":   // RFC 9449 §7.1, Figure 16: the token's key binding failed, not the proof
                return new(With(DpopProofs.Proof(b, "GET", ValueHtu, token)), "INVALID_TOKEN", "invalid_token", "the proof key does not match the token's cnf.jkt");
            case "crit header present":
                return Refused(Edited(j => j.Header["crit"] = new[] { "exp" }), "critical");
            case "proof larger than 8 KiB":
                return Refused(Edited(j => j.Claims["pad"] = new string('p', 8 * 1024)), "too large");
            case "duplicate htu member (signed)":
            {
                // A validly signed payload whose second htu names another URL: parsers that keep the last member
                // would see a different htu than those that keep the first; the proof must be refused outright.
                var head = parts[0];
                var body = Jose.Base64Url(System.Text.Encoding.UTF8.GetBytes(
                    $"{{\"jti\":\"{Guid.NewGuid()}\",\"htm\":\"GET\",\"htu\":\"{ValueHtu}\",\"htu\":\"http://localhost/api/secrets/other\",\"iat\":{DateTimeOffset.UtcNow.ToUnixTimeSeconds()},\"ath\":\"{Jose.Ath(token)}\"}}"));
                var signature = a.Sign("ES256", System.Text.Encoding.ASCII.GetBytes(head + "." + body));
                return Refused(head + "." + body + "." + Jose.Base64Url(signature), "JSON object");
            }
            case "jwk symmetric (oct)":
                return Refused(Edited(j => j.Header["jwk"] = new Dictionary<string, object> { ["kty"] = "oct", ["k"] = Jose.Base64Url(a.PublicKeyBytes()) }), "jwk");
            case "EC key on another curve than the alg's":
            {
                using var p384 = ProofKey.Ec("ES256", System.Security.Cryptography.ECCurve.NamedCurves.nistP384);
                var p384Token = issuer.Token(TestIssuer.BoundToDpop(p384));
                return new(Request(get, ValuePath, "DPoP", p384Token, DpopProofs.Proof(p384, "GET", ValueHtu, p384Token)), Proof, ProofError, "curve");
            }
            case "RSA key of 1024 bits":
            {
                using var small = ProofKey.Rsa("RS256", 1024);
                var smallToken = issuer.Token(TestIssuer.BoundToDpop(small));
                return new(Request(get, ValuePath, "DPoP", smallToken, DpopProofs.Proof(small, "GET", ValueHtu, smallToken)), Proof, ProofError, "2048");
            }
            case "Bearer scheme with a jkt-bound token":
                return new(Request(get, ValuePath, "Bearer", token, valid), "INVALID_TOKEN", "invalid_token", "DPoP scheme");
            case "DPoP scheme with an unbound token":
            {
                var unbound = issuer.Token();
                return new(Request(get, ValuePath, "DPoP", unbound, DpopProofs.Proof(a, "GET", ValueHtu, unbound)), "INVALID_TOKEN", "invalid_token", "not DPoP-bound");
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(name), name, "no such case");
        }
    }
}
