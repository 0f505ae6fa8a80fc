using System.Buffers.Text;
using System.Net;
using System.Text.Json.Nodes;
using NSec.Cryptography;
using Secrets.Testing;

namespace Secrets.Providers.Tests.Features.ResolveAuditSigningKey;

/// <summary>
/// The audit signing key read through the Providers module (docs/AUDIT.md#keys): the host's
/// <c>GET /api/secrets/audit/keys</c> publishes the public key of the seed stored at <c>AUDIT_SIGNING_KEY_POINTER</c>,
/// and a pointer that cannot be read is a clear 503 whose log and body never hold the value.
/// </summary>
public sealed class AuditSigningKeyResolverTests
{
    private static readonly byte[] SeedBytes = [.. Enumerable.Range(7, 32).Select(i => (byte)(i * 5))];
    private static readonly string Seed = Convert.ToBase64String(SeedBytes);

    [Fact]
    public async Task A_pointer_to_a_YAML_secret_publishes_the_public_key_of_its_seed()
    {
        using var host = new SecretsHostFactory(Pointer("yaml://secret/audit/signing#seed"), YamlWith($"seed: \"{Seed}\""));

        var jwk = await KeyAsync(host);

        jwk["x"]!.GetValue<string>().ShouldBe(PublicKeyOf(SeedBytes));
        jwk.AsObject().ContainsKey("d").ShouldBeFalse();
        host.Logs.AllText().ShouldNotContain(Seed);
    }

    [Fact]
    public async Task A_pointer_to_an_embedded_KVv2_secret_publishes_the_public_key_of_its_seed()
    {
        using var host = new SecretsHostFactory(Pointer("openbao+kv2://secret/audit/signing#seed"));
        var client = host.CreateClient();
        (await client.PostJsonAsync("/api/secrets", new { uri = "openbao+kv2://secret/audit/signing", value = new { seed = Seed, note = "audit" } }))
            .StatusCode.ShouldBe(HttpStatusCode.OK);

        var jwk = await KeyAsync(host);

        jwk["x"]!.GetValue<string>().ShouldBe(PublicKeyOf(SeedBytes));
        host.Logs.AllText().ShouldNotContain(Seed);
    }

    [Fact]
    public async Task A_pinned_version_of_a_KVv2_secret_is_the_one_read()
    {
        using var host = new SecretsHostFactory(Pointer("openbao+kv2://secret/audit/signing#seed?version=1"));
        var client = host.CreateClient();
        var later = new byte[32];
        (await client.PostJsonAsync("/api/secrets", new { uri = "openbao+kv2://secret/audit/signing#seed", value = Seed })).StatusCode.ShouldBe(HttpStatusCode.OK);
        (await client.PostJsonAsync("/api/secrets", new { uri = "openbao+kv2://secret/audit/signing#seed", value = Convert.ToBase64String(later) }))
            .StatusCode.ShouldBe(HttpStatusCode.OK);

        (await KeyAsync(host))["x"]!.GetValue<string>().ShouldBe(PublicKeyOf(SeedBytes));
    }

    [Theory]
    [InlineData("openbao+kv2://secret/audit/nothing#seed", "no secret is stored at the pointer")]
    [InlineData("yaml://secret/env#seed", "the secret at the pointer has no key seed")]
    [InlineData("yaml://secret/audit/signing#seed?version=2", "no provider of the pointer's scheme is configured that can read it")]
    public async Task A_pointer_that_cannot_be_read_is_503_PROVIDER_UNAVAILABLE_and_says_why_in_the_log(string pointer, string reason)
    {
        using var host = new SecretsHostFactory(Pointer(pointer), YamlWith($"seed: \"{Seed}\""));

        await (await host.CreateClient().GetAsync("/api/secrets/audit/keys")).ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable, "PROVIDER_UNAVAILABLE");

        host.Logs.AllText().ShouldContain("The key at AUDIT_SIGNING_KEY_POINTER cannot be read");
        host.Logs.AllText().ShouldContain(reason);
    }

    [Theory]
    [InlineData("canary-5f1c-not-a-seed")]
    [InlineData("Y2FuYXJ5LTVmMWMtc2hvcnQ=")]   // base64, but 16 bytes
    [InlineData("AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIj")]   // base64, but 36 bytes
    public async Task A_value_that_is_not_a_seed_is_503_and_never_echoed(string value)
    {
        using var host = new SecretsHostFactory(Pointer("yaml://secret/audit/signing#seed"), YamlWith($"seed: \"{value}\""));

        var response = await host.CreateClient().GetAsync("/api/secrets/audit/keys");
        var body = await response.Content.ReadAsStringAsync();

        response.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
        body.ShouldContain("PROVIDER_UNAVAILABLE");
        body.ShouldNotContain(value);
        body.ShouldNotContain("canary");
        host.Logs.AllText().ShouldContain("the value at the pointer is not a base64 32-byte key");
        host.Logs.AllText().ShouldNotContain(value);
        host.Logs.AllText().ShouldNotContain("canary");
    }

    private static Dictionary<string, string?> Pointer(string pointer) => new() { ["AUDIT_SIGNING_KEY_POINTER"] = pointer };

    private static string YamlWith(string seedLine) => $"""
        secret:
          env:
            MY_API_KEY: "dev-api-key"
          audit:
            signing:
              {seedLine}
        """;

    private static async Task<JsonNode> KeyAsync(SecretsHostFactory host)
    {
        var jwks = await (await host.CreateClient().GetAsync("/api/secrets/audit/keys")).ShouldBeOkJsonAsync();
        return jwks["keys"]!.AsArray().ShouldHaveSingleItem()!;
    }

    /// <summary>The JWK <c>x</c> of an Ed25519 seed, computed here with NSec and not by the code under test.</summary>
    private static string PublicKeyOf(byte[] seed)
    {
        using var key = Key.Import(SignatureAlgorithm.Ed25519, seed, KeyBlobFormat.RawPrivateKey);
        return Base64Url.EncodeToString(key.PublicKey.Export(KeyBlobFormat.RawPublicKey));
    }
}
