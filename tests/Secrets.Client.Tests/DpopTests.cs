using System.Net;
using System.Text.Json.Nodes;
using Secrets.Client.Authentication;
using Secrets.Client.Dpop;
using Secrets.Testing.Auth;

namespace Secrets.Client.Tests;

/// <summary>
/// DPoP from the client (RFC 9449) against a host that requires sender binding and server nonces: the first proof has
/// no nonce, the host answers 401 use_dpop_nonce with a DPoP-Nonce, the client sends the request once more with it,
/// and later requests carry the nonce from the start.
/// </summary>
public sealed class DpopTests : IDisposable
{
    private readonly AuthenticatedHost host = new(("SECRETS_REQUIRE_SENDER_BINDING", "true"), ("DPOP_NONCE_REQUIRED", "true"));

    public void Dispose() => host.Dispose();

    public static TheoryData<string> Algorithms => new() { "ES256", "EdDSA" };

    [Theory]
    [MemberData(nameof(Algorithms))]
    public async Task A_use_dpop_nonce_answer_is_retried_once_with_the_nonce_and_then_every_proof_carries_it(string alg)
    {
        using var key = alg == "ES256" ? DpopKey.CreateEs256() : DpopKey.CreateEd25519();
        var jkt = key.Thumbprint();
        var tokens = new MintingTokenSource(() => host.Issuer.Token(b => b.Claims["cnf"] = new Dictionary<string, object> { ["jkt"] = jkt }));
        var recording = new RecordingHandler { InnerHandler = host.Server.CreateHandler() };
        using var http = new HttpClient(new SecretsAuthenticationHandler(tokens, new DpopProofFactory(key)) { InnerHandler = recording })
        {
            BaseAddress = new Uri("http://localhost"),
        };
        var client = new SecretsClient(http);

        var written = await client.WriteAsync("openbao+kv2://secret/dpop/app", JsonNode.Parse("""{"k":"v"}""")!);
        var read = await client.ReadStringAsync("openbao+kv2://secret/dpop/app#k");

        written.Version.ShouldBe(1);
        read.ShouldBe("v");
        recording.Seen.Select(s => s.Status).ShouldBe([HttpStatusCode.Unauthorized, HttpStatusCode.OK, HttpStatusCode.OK]);
        recording.Seen.ShouldAllBe(s => s.Request.Headers.Authorization!.Scheme == "DPoP");
        var proofs = recording.Seen.Select(s => Claims(s.Dpop!)).ToList();
        proofs[0].ContainsKey("nonce").ShouldBeFalse();
        proofs[1]["nonce"]!.GetValue<string>().ShouldNotBeNullOrEmpty();
        proofs[2].ContainsKey("nonce").ShouldBeTrue();
        proofs.Select(p => p["jti"]!.GetValue<string>()).Distinct().Count().ShouldBe(3);   // a fresh proof per attempt
        proofs[2]["htu"]!.GetValue<string>().ShouldBe("http://localhost/api/secrets/value");
        proofs[2]["htm"]!.GetValue<string>().ShouldBe("GET");
        Header(recording.Seen[2].Dpop!)["alg"]!.GetValue<string>().ShouldBe(alg);
    }

    [Fact]
    public async Task A_proof_from_another_key_than_the_tokens_is_refused_with_a_typed_401()
    {
        using var key = DpopKey.CreateEs256();
        using var other = DpopKey.CreateEs256();
        var tokens = new MintingTokenSource(() => host.Issuer.Token(b => b.Claims["cnf"] = new Dictionary<string, object> { ["jkt"] = other.Thumbprint() }));
        using var http = new HttpClient(new SecretsAuthenticationHandler(tokens, new DpopProofFactory(key)) { InnerHandler = host.Server.CreateHandler() })
        {
            BaseAddress = new Uri("http://localhost"),
        };

        var refused = await Should.ThrowAsync<SecretsApiException>(() => new SecretsClient(http).ReadAsync("openbao+kv2://secret/dpop/none"));

        refused.Status.ShouldBe(HttpStatusCode.Unauthorized);
        refused.Code.ShouldBe("INVALID_TOKEN");   // the token is bound to another key (RFC 9449 §7.1)
    }

    [Fact]
    public void The_thumbprint_is_RFC_7638_over_the_required_members_in_order()
    {
        using var key = DpopKey.CreateEd25519();

        key.PublicJwk.Select(m => m.Key).ShouldBe(["crv", "kty", "x"]);
        key.Thumbprint().Length.ShouldBe(43);
    }

    private static JsonObject Claims(string jws) => Part(jws, 1);

    private static JsonObject Header(string jws) => Part(jws, 0);

    private static JsonObject Part(string jws, int index) =>
        JsonNode.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(jws.Split('.')[index]))!.AsObject();
}
