using System.Buffers.Text;
using Secrets.Audit.Integrity;

namespace Secrets.Audit.Tests.Integrity;

/// <summary>The checkpoint key: its id, its seed format and its signatures.</summary>
public sealed class AuditSigningKeyTests
{
    [Fact]
    public void The_key_id_is_the_rfc_7638_thumbprint_of_the_public_jwk()
    {
        var seed = Enumerable.Range(1, 32).Select(i => (byte)i).ToArray();
        using var key = AuditSigningKey.FromSeed(seed);
        using var same = AuditSigningKey.FromBase64Seed(Convert.ToBase64String(seed));

        var canonical = $$"""{"crv":"Ed25519","kty":"OKP","x":"{{key.X}}"}""";
        key.Kid.ShouldBe(Base64Url.EncodeToString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(canonical))));
        same.Kid.ShouldBe(key.Kid);
        Base64Url.DecodeFromChars(key.X).Length.ShouldBe(32);
    }

    [Theory]
    [InlineData("")]
    [InlineData("c2hvcnQ=")]
    [InlineData("not base64 at all")]
    public void A_seed_that_is_not_32_bytes_of_base64_is_refused_without_echoing_it(string seed) =>
        Should.Throw<InvalidOperationException>(() => AuditSigningKey.FromBase64Seed(seed)).Message.ShouldNotContain(seed.Length > 0 ? seed : "\u0000");

    [Fact]
    public void A_signature_verifies_with_its_public_key_only_and_only_over_the_signed_bytes()
    {
        using var key = AuditSigningKey.Generate();
        using var other = AuditSigningKey.Generate();
        var data = "secrets-platform/audit-checkpoint/v1"u8.ToArray();

        var signature = key.Sign(data);

        AuditSigningKey.Verify(key.X, data, signature).ShouldBeTrue();
        AuditSigningKey.Verify(other.X, data, signature).ShouldBeFalse();
        AuditSigningKey.Verify(key.X, [.. data, (byte)'x'], signature).ShouldBeFalse();
        AuditSigningKey.Verify("not-a-key", data, signature).ShouldBeFalse();
    }
}
