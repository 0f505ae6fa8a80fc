using System.Net;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Secrets.Audit.Contracts;
using Secrets.Audit.Integrity;
using Secrets.Audit.Tests.Integrity;
using Secrets.Shared.Kernel;
using Secrets.Testing;

namespace Secrets.Audit.Tests.Features.AuditKeys;

/// <summary>GET /api/secrets/audit/keys: the node's checkpoint keys as a JWK Set (docs/AUDIT.md#keys).</summary>
public sealed class AuditKeysTests
{
    [Fact]
    public async Task The_published_key_verifies_a_checkpoint_the_node_signed()
    {
        using var host = new SecretsHostFactory();
        var client = host.CreateClient();

        var jwks = await client.GetStringAsync("/api/secrets/audit/keys");
        var nodeKey = await host.Services.GetRequiredService<AuditSigningKeys>().CurrentAsync(CancellationToken.None);
        using var stream = new AuditStream(key: nodeKey).Events(7).Pending();
        var published = CheckpointKeys.Read(jwks).ToDictionary(k => k.Kid, k => k.X);

        var result = await AuditStream.VerifyAsync(stream.Lines, published);

        result.Intact.ShouldBeTrue();
        result.Checkpoints.ShouldBe(2);
        var jwk = System.Text.Json.Nodes.JsonNode.Parse(jwks)!["keys"]!.AsArray().ShouldHaveSingleItem()!;
        jwk["kty"]!.GetValue<string>().ShouldBe("OKP");
        jwk["crv"]!.GetValue<string>().ShouldBe("Ed25519");
        jwk["use"]!.GetValue<string>().ShouldBe("sig");
        jwk["alg"]!.GetValue<string>().ShouldBe("EdDSA");
        jwk["x"]!.GetValue<string>().ShouldBe(nodeKey.X);
        jwk["kid"]!.GetValue<string>().ShouldBe(nodeKey.Kid);
        jwk.AsObject().ContainsKey("d").ShouldBeFalse();
    }

    [Fact]
    public async Task A_key_the_endpoint_did_not_publish_does_not_verify_the_checkpoint()
    {
        using var host = new SecretsHostFactory();
        var published = CheckpointKeys.Read(await host.CreateClient().GetStringAsync("/api/secrets/audit/keys")).ToDictionary(k => k.Kid, k => k.X);
        using var stream = new AuditStream().Events(5);   // another key

        var result = await AuditStream.VerifyAsync(stream.Lines, published);

        result.Problems.ShouldHaveSingleItem().Kind.ShouldBe(AuditProblemKind.ForgedCheckpoint);
    }

    [Fact]
    public async Task With_a_pointer_the_key_is_the_seed_the_resolver_reads_at_that_uri()
    {
        var seed = Convert.ToBase64String(Enumerable.Range(40, 32).Select(i => (byte)i).ToArray());
        var resolver = new SeedResolver(seed);
        using var host = new PointerHost(resolver);

        var keys = CheckpointKeys.Read(await host.CreateClient().GetStringAsync("/api/secrets/audit/keys")).ToList();

        using var expected = AuditSigningKey.FromBase64Seed(seed);
        keys.ShouldHaveSingleItem().Kid.ShouldBe(expected.Kid);
        resolver.Asked.ShouldBe(["openbao+kv2://secret/audit/signing#seed"]);
    }

    [Fact]
    public async Task With_a_pointer_to_no_secret_the_keys_are_503_PROVIDER_UNAVAILABLE()
    {
        using var host = new SecretsHostFactory(new Dictionary<string, string?> { ["AUDIT_SIGNING_KEY_POINTER"] = "openbao+kv2://secret/audit/signing#seed" });

        await (await host.CreateClient().GetAsync("/api/secrets/audit/keys"))
            .ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable, "PROVIDER_UNAVAILABLE");
    }

    private sealed class SeedResolver(string seed) : IAuditSigningKeyResolver
    {
        public List<string> Asked { get; } = [];

        public Task<SecretValue> ResolveAsync(CanonicalSecretUri pointer, CancellationToken ct)
        {
            lock (Asked)
                Asked.Add(pointer.ToString());
            return Task.FromResult(SecretValue.Of(seed));
        }
    }

    private sealed class PointerHost(IAuditSigningKeyResolver resolver)
        : SecretsHostFactory(new Dictionary<string, string?> { ["AUDIT_SIGNING_KEY_POINTER"] = "openbao+kv2://secret/audit/signing#seed" })
    {
        protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(s => s.AddSingleton(resolver));
        }
    }
}
