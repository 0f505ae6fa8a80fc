using Microsoft.Extensions.Time.Testing;
using Secrets.Grants.Binding;

namespace Secrets.Grants.Tests.Binding;

/// <summary>Stateless server nonces (RFC 9449 §9): valid for the step they were issued in and the next.</summary>
public sealed class DpopNonceIssuerTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 30, TimeSpan.Zero));

    [Fact]
    public void A_nonce_lives_for_its_step_and_the_next_then_expires()
    {
        var issuer = new DpopNonceIssuer(_time, DpopOptions.Default);
        var nonce = issuer.Issue();

        issuer.IsValid(nonce).ShouldBeTrue();
        _time.Advance(TimeSpan.FromSeconds(29));   // still step 0 (second 59)
        issuer.IsValid(nonce).ShouldBeTrue();
        _time.Advance(TimeSpan.FromSeconds(60));   // step 1: the previous step's nonce still counts
        issuer.IsValid(nonce).ShouldBeTrue();
        issuer.Issue().ShouldNotBe(nonce);
        _time.Advance(TimeSpan.FromSeconds(1));    // step 2
        issuer.IsValid(nonce).ShouldBeFalse();
    }

    [Fact]
    public void The_step_follows_the_options()
    {
        var issuer = new DpopNonceIssuer(_time, DpopOptions.Default with { NonceStep = TimeSpan.FromSeconds(600) });
        var nonce = issuer.Issue();
        _time.Advance(TimeSpan.FromSeconds(1000));
        issuer.IsValid(nonce).ShouldBeTrue();
        _time.Advance(TimeSpan.FromSeconds(600));
        issuer.IsValid(nonce).ShouldBeFalse();
    }

    [Fact]
    public void Issuers_with_a_key_derived_from_one_tenant_salt_honour_each_others_nonces()
    {
        var salt = new Secrets.Shared.Kernel.TenantContext("t1", ["secret"], "salt-of-t1");
        var nodeA = new DpopNonceIssuer(_time, DpopOptions.Default, salt.DeriveKey(DpopNonceIssuer.KeyPurpose));
        var nodeB = new DpopNonceIssuer(_time, DpopOptions.Default, salt.DeriveKey(DpopNonceIssuer.KeyPurpose));
        var otherTenant = new DpopNonceIssuer(_time, DpopOptions.Default,
            new Secrets.Shared.Kernel.TenantContext("t2", ["secret"], "salt-of-t2").DeriveKey(DpopNonceIssuer.KeyPurpose));

        nodeB.IsValid(nodeA.Issue()).ShouldBeTrue();
        otherTenant.IsValid(nodeA.Issue()).ShouldBeFalse();
        Should.Throw<ArgumentException>(() => new DpopNonceIssuer(_time, DpopOptions.Default, new byte[16]));
    }

    [Fact]
    public void Nonces_are_opaque_header_safe_and_bound_to_the_issuing_process()
    {
        var issuer = new DpopNonceIssuer(_time, DpopOptions.Default);
        var other = new DpopNonceIssuer(_time, DpopOptions.Default);
        var nonce = issuer.Issue();

        nonce.ShouldMatch("^[A-Za-z0-9_-]{32}$");
        issuer.Issue().ShouldBe(nonce);
        other.IsValid(nonce).ShouldBeFalse();
        other.Issue().ShouldNotBe(nonce);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("short")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!")]
    public void Garbage_is_not_a_nonce(string? nonce) => new DpopNonceIssuer(_time, DpopOptions.Default).IsValid(nonce).ShouldBeFalse();

    [Fact]
    public void A_nonce_with_a_forged_step_fails_its_mac()
    {
        var issuer = new DpopNonceIssuer(_time, DpopOptions.Default);
        Base64UrlStrict.TryDecode(issuer.Issue(), out var bytes).ShouldBeTrue();
        _time.Advance(TimeSpan.FromSeconds(600));
        var step = System.Buffers.Binary.BinaryPrimitives.ReadInt64BigEndian(bytes);
        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(bytes, step + 10);   // the current step, with the old MAC
        issuer.IsValid(Base64UrlStrict.Encode(bytes)).ShouldBeFalse();
    }
}
