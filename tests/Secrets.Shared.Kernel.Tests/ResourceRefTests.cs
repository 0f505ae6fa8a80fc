using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Secrets.Shared.Kernel.Tests;

/// <summary>
/// As docs/URIS.md#resource_ref defines it: resource_ref = base64url without padding of HMAC-SHA256(key = UTF-8 salt, message = UTF-8
/// canonical URI).
/// </summary>
public sealed class ResourceRefTests
{
    private static TenantContext Tenant(string salt) => new("acme", ["secret"], salt);

    /// <summary>Computed here with an HMACSHA256 instance and the BCL's own base64url encoder.</summary>
    private static string Expected(string salt, string canonicalUri)
    {
        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(salt));
        var mac = hmac.ComputeHash(Encoding.UTF8.GetBytes(canonicalUri));
        return Base64Url.EncodeToString(mac);
    }

    [Theory]
    [InlineData("tenant-salt-1", "openbao+kv2://secret/app/api#token?version=3")]
    [InlineData("tenant-salt-1", "hashicorp+kv2://secret/payments/stripe#api_key")]
    [InlineData("another salt with spaces", "yaml://secret/env#MY_API_KEY")]
    [InlineData("sält-ü-漢", "openbao+kv2://secret/café/ключ#clé")]
    [InlineData("s", "openbao+kv2://secret/app/*")]
    public void Resource_ref_is_base64url_of_hmac_sha256_of_the_canonical_uri(string salt, string canonical)
    {
        var uri = CanonicalSecretUri.Parse(canonical, null, UriAllowance.Prefix);
        uri.ToString().ShouldBe(canonical);

        var reference = Tenant(salt).ResourceRef(uri);

        reference.ShouldBe(Expected(salt, canonical));
        Tenant(salt).ResourceRef(canonical).ShouldBe(reference);
    }

    /// <summary>Vectors computed once with Python's hmac/hashlib/base64 (and openssl for the first).</summary>
    [Theory]
    [InlineData("tenant-salt-1", "openbao+kv2://secret/app/api#token?version=3", "p8hREq9O-3DeHnnGUI4MuBZl4bhLkJNAL9eMZyhqj8w")]
    [InlineData("tenant-salt-2", "openbao+kv2://secret/app/api#token?version=3", "2JTsYCFB8n2n6tqmsWNLAe9ke8eXN5fAnBsnWXKFFmQ")]
    [InlineData("sält-ü", "yaml://secret/env#MY_API_KEY", "LqBk15goctQCMwQHbynhzr31dxPG37R0xDrjajfPQ_g")]
    [InlineData("tenant-salt-1", "openbao+kv2://secret/café#clé", "SYpDae7o7xYZGvpwovrHREkDQkby2mAHgKeiNOJJuC0")]
    public void Resource_ref_matches_known_vectors(string salt, string canonical, string expected)
    {
        Tenant(salt).ResourceRef(CanonicalSecretUri.Parse(canonical)).ShouldBe(expected);
    }

    [Fact]
    public void Resource_ref_is_43_url_safe_characters_without_padding()
    {
        var tenant = Tenant("tenant-salt-1");
        for (var i = 0; i < 200; i++)
        {
            var reference = tenant.ResourceRef("openbao+kv2://secret/app/n" + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            reference.Length.ShouldBe(43);
            reference.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_').ShouldBeTrue(reference);
        }
    }

    [Fact]
    public void Different_salts_give_different_refs()
    {
        var uri = CanonicalSecretUri.Parse("openbao+kv2://secret/app/api#token");

        var refs = new[] { "salt-a", "salt-b", "Salt-a", "salt-a " }
            .Select(salt => Tenant(salt).ResourceRef(uri))
            .ToList();

        refs.Distinct(StringComparer.Ordinal).Count().ShouldBe(refs.Count);
    }

    [Fact]
    public void Different_canonical_uris_give_different_refs()
    {
        var tenant = Tenant("tenant-salt-1");
        string[] uris =
        [
            "openbao+kv2://secret/app/api",
            "openbao+kv2://secret/app/api#token",
            "openbao+kv2://secret/app/api#token?version=3",
            "hashicorp+kv2://secret/app/api#token?version=3",
            "openbao+kv2://secret/app/API#token?version=3",
        ];

        uris.Select(u => tenant.ResourceRef(CanonicalSecretUri.Parse(u))).Distinct(StringComparer.Ordinal).Count()
            .ShouldBe(uris.Length);
    }

    [Theory]
    [InlineData("  OpenBao://secret/app/api?version=3#token  ")]
    [InlineData("OPENBAO+KV2://secret/app/%61pi#tok%65n?version=003")]
    [InlineData("openbao+kv2://secret/app/api#token")]   // version through the argument
    public void Non_canonical_spelling_gives_the_same_ref_after_parse(string input)
    {
        const string Canonical = "openbao+kv2://secret/app/api#token?version=3";
        var tenant = Tenant("tenant-salt-1");
        var uri = input.Contains('?', StringComparison.Ordinal)
            ? CanonicalSecretUri.Parse(input)
            : CanonicalSecretUri.Parse(input, 3);

        tenant.ResourceRef(uri).ShouldBe(tenant.ResourceRef(Canonical));
        tenant.ResourceRef(uri).ShouldBe("p8hREq9O-3DeHnnGUI4MuBZl4bhLkJNAL9eMZyhqj8w");
    }

    [Fact]
    public void Resource_ref_does_not_contain_the_uri()
    {
        var reference = Tenant("tenant-salt-1").ResourceRef(CanonicalSecretUri.Parse("yaml://secret/env#MY_API_KEY"));

        reference.ShouldNotContain("secret");
        reference.ShouldNotContain("MY_API_KEY");
    }

    [Theory]
    [InlineData("")]
    [InlineData(null)]
    public void Tenant_without_a_salt_cannot_be_built(string? salt)
    {
        Should.Throw<ArgumentException>(() => new TenantContext("acme", ["secret"], salt!));
    }
}
