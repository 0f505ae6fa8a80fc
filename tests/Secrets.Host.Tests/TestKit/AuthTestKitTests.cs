using System.Buffers.Text;
using System.Net;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Microsoft.Extensions.Logging;
using NSec.Cryptography;
using Secrets.Testing.Auth;

namespace Secrets.Host.Tests.TestKit;

/// <summary>
/// The authentication test kit against the specs and the BCL, not against itself: tokens verify with plain
/// System.Security.Cryptography, the encodings match the RFC examples, and the certificates work in a real TLS handshake.
/// </summary>
public sealed class AuthTestKitTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 1, 12, 0, 0, TimeSpan.Zero);

    // RFC 7638 §3.1: the example RSA key and its thumbprint.
    private const string Rfc7638Jwk = """
        {"kty":"RSA","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw","e":"AQAB","alg":"RS256","kid":"2011-04-29"}
        """;
    private const string Rfc7638Thumbprint = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs";

    // RFC 9449 §4.2: the client's example P-256 key; §6.1: its cnf.jkt. §5 and §7.1: the access token and its ath.
    private const string Rfc9449Jwk =
        """{"kty":"EC","x":"l8tFrhx-34tV3hRICRDY9zCkDlpBhF42UQUfWVAWBFs","y":"9VE4jf_Ok_o64zbTTlcuNJajHmt6v9TDVrU0CdvGRDA","crv":"P-256"}""";
    private const string Rfc9449Jkt = "0ZcOCORZNYy-DWpqq30jZyJGHTN0d2HglBV3uiguA4I";
    private const string Rfc9449AccessToken = "Kz~8mXK1EalYznwH-LC-1fBAo.4Ljp~zsPE_NeO.gxU";
    private const string Rfc9449Ath = "fUHyO2r2Z3DZ53EsNrWBb0xWXoaNy59IiKCAqksmQEo";

    private static readonly TestIssuer Issuer = new(time: new FixedTime(Now));
    private static readonly X509Certificate2 Ca = TestCertificates.CreateCa();
    private static readonly X509Certificate2 ServerCertificate = TestCertificates.CreateServer(Ca);

    [Theory]
    [InlineData("RS256")]
    [InlineData("ES256")]
    public void An_issuer_token_verifies_with_the_jwks_key_of_its_kid_and_carries_the_specified_claims(string alg)
    {
        var key = alg == "RS256" ? Issuer.Rs256 : Issuer.Es256;

        var token = Issuer.Token(key: key.Key);

        VerifyWithJwks(token, Issuer.Jwks()).ShouldBeTrue();
        var claims = Decode(token).Claims;
        Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token.Split('.')[0])).ShouldBe($$"""{"alg":"{{alg}}","typ":"at+jwt","kid":"{{key.Kid}}"}""");
        claims["iss"]!.GetValue<string>().ShouldBe("https://issuer.test");
        claims["sub"]!.GetValue<string>().ShouldBe("user-1");
        claims["aud"]!.GetValue<string>().ShouldBe("crud.secrets");
        claims["client_id"]!.GetValue<string>().ShouldBe("client-1");
        claims["scope"]!.GetValue<string>().Split(' ').ShouldBe(
            ["secrets.read", "secrets.write", "secrets.delete", "secrets.destroy", "secrets.rotate", "secrets.read_metadata", "secrets.set_owner", "secrets.admin", "secrets.pdp"]);
        claims["iat"]!.GetValue<long>().ShouldBe(Now.ToUnixTimeSeconds());
        claims["nbf"]!.GetValue<long>().ShouldBe(Now.ToUnixTimeSeconds());
        claims["exp"]!.GetValue<long>().ShouldBe(Now.AddMinutes(5).ToUnixTimeSeconds());
        Guid.TryParse(claims["jti"]!.GetValue<string>(), out _).ShouldBeTrue();
        claims["cnf"].ShouldBeNull();
    }

    [Fact]
    public void The_jwks_has_public_signing_keys_only_with_kid_use_and_alg()
    {
        var keys = JsonNode.Parse(Issuer.Jwks())!["keys"]!.AsArray();

        keys.Select(k => (k!["kid"]!.GetValue<string>(), k["kty"]!.GetValue<string>(), k["alg"]!.GetValue<string>(), k["use"]!.GetValue<string>()))
            .ShouldBe([(Issuer.Rs256.Kid, "RSA", "RS256", "sig"), (Issuer.Es256.Kid, "EC", "ES256", "sig")]);
        keys.ShouldAllBe(k => k!["d"] == null);
        Base64Url.DecodeFromChars(keys[0]!["n"]!.GetValue<string>()).Length.ShouldBe(256);     // RSA-2048
        keys[1]!["crv"]!.GetValue<string>().ShouldBe("P-256");
    }

    [Fact]
    public void Edits_run_before_signing_and_a_foreign_key_gets_a_kid_the_jwks_does_not_have()
    {
        using var stranger = ProofKey.Rsa();

        var edited = Issuer.Token(b => { b.Claims["sub"] = "user-2"; b.Claims.Remove("scope"); });
        var foreign = Issuer.Token(key: stranger);

        VerifyWithJwks(edited, Issuer.Jwks()).ShouldBeTrue();
        Decode(edited).Claims["sub"]!.GetValue<string>().ShouldBe("user-2");
        Decode(edited).Claims["scope"].ShouldBeNull();
        Decode(foreign).Header["kid"]!.GetValue<string>().ShouldBe(stranger.Thumbprint);
        VerifyWithJwks(foreign, Issuer.Jwks()).ShouldBeFalse();
    }

    [Fact]
    public void Bound_to_dpop_sets_cnf_jkt_to_the_rfc7638_thumbprint_of_the_key()
    {
        using var key = ProofKey.Ec();
        var jwk = key.PublicJwk;
        var canonical = $$"""{"crv":"P-256","kty":"EC","x":"{{jwk["x"]}}","y":"{{jwk["y"]}}"}""";
        var expected = Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));

        var claims = Decode(Issuer.Token(TestIssuer.BoundToDpop(key))).Claims;

        key.Thumbprint.ShouldBe(expected);
        claims["cnf"]!.AsObject().Select(m => (m.Key, m.Value!.GetValue<string>())).ShouldBe([("jkt", expected)]);
    }

    [Fact]
    public void The_kit_thumbprint_and_ath_match_the_rfc_examples()
    {
        Jose.Thumbprint(Rfc7638Jwk).ShouldBe(Rfc7638Thumbprint);
        Jose.Thumbprint(Rfc9449Jwk).ShouldBe(Rfc9449Jkt);
        Jose.Ath(Rfc9449AccessToken).ShouldBe(Rfc9449Ath);
    }

    [Theory]
    [InlineData("ES256")]
    [InlineData("PS256")]
    [InlineData("EdDSA")]
    public void A_dpop_proof_has_the_rfc9449_header_and_claims_and_verifies_with_its_own_jwk(string alg)
    {
        using var key = alg switch { "EdDSA" => ProofKey.Ed25519(), "PS256" => ProofKey.Rsa("PS256"), _ => ProofKey.Ec() };

        var proof = DpopProofs.Proof(key, "GET", "https://127.0.0.1:9443/api/secrets/value", Rfc9449AccessToken, nonce: "n-1", iat: Now);

        var (header, claims) = Decode(proof);
        header["typ"]!.GetValue<string>().ShouldBe("dpop+jwt");
        header["alg"]!.GetValue<string>().ShouldBe(alg);
        header["jwk"]!.ToJsonString().ShouldBe(JsonSerializer.Serialize(key.PublicJwk));
        header["jwk"]!["d"].ShouldBeNull();
        claims["htm"]!.GetValue<string>().ShouldBe("GET");
        claims["htu"]!.GetValue<string>().ShouldBe("https://127.0.0.1:9443/api/secrets/value");
        claims["iat"]!.GetValue<long>().ShouldBe(Now.ToUnixTimeSeconds());
        claims["ath"]!.GetValue<string>().ShouldBe(Rfc9449Ath);
        claims["nonce"]!.GetValue<string>().ShouldBe("n-1");
        claims["jti"]!.GetValue<string>().ShouldNotBeNullOrEmpty();
        Verify(alg, header["jwk"]!, proof).ShouldBeTrue();
    }

    [Fact]
    public void A_dpop_proof_without_a_token_has_no_ath_and_edits_apply()
    {
        using var key = ProofKey.Ec();

        var proof = DpopProofs.Proof(key, "POST", "https://127.0.0.1/token", accessToken: null, edit: b => b.Claims["htm"] = "PUT");

        var claims = Decode(proof).Claims;
        claims["ath"].ShouldBeNull();
        claims["nonce"].ShouldBeNull();
        claims["htm"]!.GetValue<string>().ShouldBe("PUT");
        Verify("ES256", Decode(proof).Header["jwk"]!, proof).ShouldBeTrue();
    }

    [Fact]
    public void Alg_none_has_an_empty_signature_and_hs256_is_an_hmac_of_the_given_secret()
    {
        using var key = ProofKey.Ec();
        var secret = key.PublicKeyBytes();

        var none = new JwsBuilder(key).AlgNone().Build();
        var hs256 = new JwsBuilder(key).Hs256(secret).Build();

        none.ShouldEndWith(".");
        Decode(none).Header["alg"]!.GetValue<string>().ShouldBe("none");
        Decode(hs256).Header["alg"]!.GetValue<string>().ShouldBe("HS256");
        var dot = hs256.LastIndexOf('.');
        Base64Url.DecodeFromChars(hs256.AsSpan(dot + 1)).ShouldBe(HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(hs256[..dot])));
    }

    [Fact]
    public void Bound_to_certificate_sets_cnf_x5t_s256_to_the_sha256_of_the_der()
    {
        using var client = TestCertificates.CreateClient(Ca);
        var expected = Base64Url.EncodeToString(SHA256.HashData(client.RawData));

        var claims = Decode(Issuer.Token(TestIssuer.BoundToCertificate(client))).Claims;

        TestCertificates.X5tS256(client).ShouldBe(expected);
        claims["cnf"]!.AsObject().Select(m => (m.Key, m.Value!.GetValue<string>())).ShouldBe([("x5t#S256", expected)]);
    }

    [Fact]
    public void Certificates_have_their_names_usages_and_keys()
    {
        using var ecClient = TestCertificates.CreateClient(Ca, "svc-a");
        using var rsaClient = TestCertificates.CreateClient(Ca, "svc-b", rsa: true);

        ServerCertificate.HasPrivateKey.ShouldBeTrue();
        ServerCertificate.MatchesHostname("127.0.0.1").ShouldBeTrue();
        ServerCertificate.MatchesHostname("::1").ShouldBeTrue();
        ServerCertificate.MatchesHostname("localhost").ShouldBeTrue();
        Usages(ServerCertificate).ShouldBe(["1.3.6.1.5.5.7.3.1"]);
        ecClient.Subject.ShouldBe("CN=svc-a");
        Usages(ecClient).ShouldBe(["1.3.6.1.5.5.7.3.2"]);
        ecClient.GetECDsaPrivateKey().ShouldNotBeNull();
        rsaClient.GetRSAPrivateKey().ShouldNotBeNull();
        TestCertificates.ChainsTo(ecClient, Ca).ShouldBeTrue();
        TestCertificates.ChainsTo(ecClient, TestCertificates.CreateCa("Other CA")).ShouldBeFalse();
    }

    [Fact]
    public void Expired_client_certificates_are_issued_and_do_not_chain()
    {
        using var expired = TestCertificates.CreateClient(Ca, "old", DateTimeOffset.UtcNow.AddDays(-10), DateTimeOffset.UtcNow.AddDays(-1));

        expired.NotAfter.ShouldBeLessThan(DateTime.Now);
        TestCertificates.ChainsTo(expired, Ca).ShouldBeFalse();
    }

    [Fact]
    public void Pem_files_load_back_with_their_private_keys()
    {
        var dir = Directory.CreateTempSubdirectory("auth-kit-");
        try
        {
            using var client = TestCertificates.CreateClient(Ca, rsa: true);
            TestCertificates.WritePem(client, Path.Combine(dir.FullName, "client.pem"), Path.Combine(dir.FullName, "client.key"));
            TestCertificates.WritePem(ServerCertificate, Path.Combine(dir.FullName, "server.pem"), Path.Combine(dir.FullName, "server.key"));
            TestCertificates.WriteCaPem(Ca, Path.Combine(dir.FullName, "ca.pem"));

            using var clientBack = X509Certificate2.CreateFromPemFile(Path.Combine(dir.FullName, "client.pem"), Path.Combine(dir.FullName, "client.key"));
            using var serverBack = X509Certificate2.CreateFromPemFile(Path.Combine(dir.FullName, "server.pem"), Path.Combine(dir.FullName, "server.key"));
            using var caBack = X509CertificateLoader.LoadCertificateFromFile(Path.Combine(dir.FullName, "ca.pem"));

            clientBack.Thumbprint.ShouldBe(client.Thumbprint);
            clientBack.GetRSAPrivateKey().ShouldNotBeNull();
            serverBack.GetECDsaPrivateKey().ShouldNotBeNull();
            caBack.Thumbprint.ShouldBe(Ca.Thumbprint);
            caBack.HasPrivateKey.ShouldBeFalse();
            File.ReadAllText(Path.Combine(dir.FullName, "client.key")).ShouldStartWith("-----BEGIN PRIVATE KEY-----");
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_tls_client_with_a_client_certificate_is_seen_by_kestrel_with_its_x5t_s256(bool rsa)
    {
        await using var server = await EchoServer.StartAsync(ServerCertificate, Ca);
        using var client = TestCertificates.CreateClient(Ca, rsa: rsa);
        using var http = TlsClients.Create(server.BaseAddress, Ca, client);

        var response = await http.GetAsync("/x5t");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).ShouldBe(TestCertificates.X5tS256(client));
    }

    [Fact]
    public async Task A_tls_client_without_a_client_certificate_gets_an_empty_echo()
    {
        await using var server = await EchoServer.StartAsync(ServerCertificate, Ca);
        using var http = TlsClients.Create(server.BaseAddress, Ca);

        var response = await http.GetAsync("/x5t");

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        (await response.Content.ReadAsStringAsync()).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_tls_client_that_trusts_another_ca_fails_the_handshake()
    {
        await using var server = await EchoServer.StartAsync(ServerCertificate, Ca);
        using var otherCa = TestCertificates.CreateCa("Other CA");
        using var http = TlsClients.Create(server.BaseAddress, otherCa);

        var thrown = await Should.ThrowAsync<HttpRequestException>(() => http.GetAsync("/x5t"));

        thrown.InnerException.ShouldBeOfType<AuthenticationException>();
    }

    [Fact]
    public async Task A_client_certificate_of_another_ca_fails_the_handshake_when_the_server_checks_the_chain()
    {
        await using var server = await EchoServer.StartAsync(ServerCertificate, Ca);
        using var otherCa = TestCertificates.CreateCa("Other CA");
        using var stranger = TestCertificates.CreateClient(otherCa);
        using var http = TlsClients.Create(server.BaseAddress, Ca, stranger);

        await Should.ThrowAsync<HttpRequestException>(() => http.GetAsync("/x5t"));
    }

    [Fact]
    public async Task The_oidc_stub_serves_discovery_and_the_jwks_and_rotates_keys()
    {
        using var stub = new OidcAuthorityStub();
        using var http = new HttpClient();
        var firstRs256 = stub.Issuer.Rs256;
        var first = (stub.Issuer.Rs256.Kid, stub.Issuer.Es256.Kid);

        var discovery = JsonNode.Parse(await http.GetStringAsync(stub.DiscoveryUrl))!;
        var jwks = await http.GetStringAsync(discovery["jwks_uri"]!.GetValue<string>());

        stub.BaseUrl.ShouldStartWith("http://127.0.0.1:");
        discovery["issuer"]!.GetValue<string>().ShouldBe(stub.BaseUrl);
        discovery["jwks_uri"]!.GetValue<string>().ShouldBe(stub.BaseUrl + "/jwks");
        Kids(jwks).ShouldBe([first.Item1, first.Item2]);
        var token = stub.Issuer.Token();
        Decode(token).Claims["iss"]!.GetValue<string>().ShouldBe(stub.BaseUrl);
        VerifyWithJwks(token, jwks).ShouldBeTrue();

        stub.Rotate(keepOldKeys: true);
        var kept = await http.GetStringAsync(stub.JwksUri);
        var second = (stub.Issuer.Rs256.Kid, stub.Issuer.Es256.Kid);
        stub.Rotate(keepOldKeys: false);
        var dropped = await http.GetStringAsync(stub.JwksUri);

        Kids(kept).ShouldBe([second.Item1, second.Item2, first.Item1, first.Item2]);
        Kids(dropped).ShouldBe([stub.Issuer.Rs256.Kid, stub.Issuer.Es256.Kid]);
        Kids(dropped).ShouldNotContain(second.Item1);
        VerifyWithJwks(stub.Issuer.Token(), dropped).ShouldBeTrue();
        var stale = stub.Issuer.Token(key: firstRs256.Key);                 // a dropped key still signs, under its old kid
        Decode(stale).Header["kid"]!.GetValue<string>().ShouldBe(first.Item1);
        VerifyWithJwks(stale, dropped).ShouldBeFalse();
        VerifyWithJwks(stale, kept).ShouldBeTrue();
        stub.JwksRequests.ShouldBe(3);
        stub.DiscoveryRequests.ShouldBe(1);
    }

    private static string[] Kids(string jwks) =>
        JsonNode.Parse(jwks)!["keys"]!.AsArray().Select(k => k!["kid"]!.GetValue<string>()).ToArray();

    private static string[] Usages(X509Certificate2 certificate) =>
        certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value!).ToArray();

    private static (JsonNode Header, JsonNode Claims) Decode(string jws)
    {
        var parts = jws.Split('.');
        return (JsonNode.Parse(Base64Url.DecodeFromChars(parts[0]))!, JsonNode.Parse(Base64Url.DecodeFromChars(parts[1]))!);
    }

    /// <summary>Verifies the token with the JWKS key its header's kid names; false when the JWKS has no such kid.</summary>
    private static bool VerifyWithJwks(string token, string jwks)
    {
        var kid = Decode(token).Header["kid"]!.GetValue<string>();
        var jwk = JsonNode.Parse(jwks)!["keys"]!.AsArray().SingleOrDefault(k => k!["kid"]!.GetValue<string>() == kid);
        return jwk is not null && Verify(jwk["alg"]!.GetValue<string>(), jwk, token);
    }

    /// <summary>Verifies a compact JWS as <paramref name="alg"/> with a public JWK, with the BCL (NSec for Ed25519).</summary>
    private static bool Verify(string alg, JsonNode jwk, string jws)
    {
        var dot = jws.LastIndexOf('.');
        var input = Encoding.ASCII.GetBytes(jws[..dot]);
        var signature = Base64Url.DecodeFromChars(jws.AsSpan(dot + 1));
        byte[] Member(string name) => Base64Url.DecodeFromChars(jwk[name]!.GetValue<string>());
        switch (jwk["kty"]!.GetValue<string>())
        {
            case "RSA":
                using (var rsa = RSA.Create(new RSAParameters { Modulus = Member("n"), Exponent = Member("e") }))
                    return rsa.VerifyData(input, signature, HashAlgorithmName.SHA256, alg.StartsWith("PS", StringComparison.Ordinal) ? RSASignaturePadding.Pss : RSASignaturePadding.Pkcs1);
            case "EC":
                using (var ec = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, Q = new ECPoint { X = Member("x"), Y = Member("y") } }))
                    return ec.VerifyData(input, signature, HashAlgorithmName.SHA256);
            default:
                var ed = NSec.Cryptography.PublicKey.Import(SignatureAlgorithm.Ed25519, Member("x"), KeyBlobFormat.RawPublicKey);
                return SignatureAlgorithm.Ed25519.Verify(ed, input, signature);
        }
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }

    /// <summary>Kestrel on 127.0.0.1 (a free port) over HTTPS that allows a client certificate chaining to the CA and echoes its x5t#S256.</summary>
    private sealed class EchoServer(WebApplication app, Uri baseAddress) : IAsyncDisposable
    {
        public Uri BaseAddress { get; } = baseAddress;

        public static async Task<EchoServer> StartAsync(X509Certificate2 serverCertificate, X509Certificate2 ca)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(https =>
            {
                https.ServerCertificate = serverCertificate;
                https.ClientCertificateMode = ClientCertificateMode.AllowCertificate;
                https.ClientCertificateValidation = (certificate, _, _) => TestCertificates.ChainsTo(certificate, ca);
            })));
            var app = builder.Build();
            app.MapGet("/x5t", (HttpContext context) =>
                context.Connection.ClientCertificate is { } certificate ? TestCertificates.X5tS256(certificate) : "");
            await app.StartAsync();
            return new EchoServer(app, new Uri(app.Urls.Single()));
        }

        public async ValueTask DisposeAsync()
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }
}
