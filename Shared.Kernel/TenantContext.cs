using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Secrets.Shared.Kernel;

/// <summary>The tenant this process serves: <c>TENANT_ID</c>, <c>TENANT_ALLOWED_MOUNTS</c> and the salt of resource_ref.</summary>
public sealed class TenantContext
{
    private readonly byte[] salt;
    private readonly HashSet<string> allowedMounts;

    public TenantContext(string tenantId, IEnumerable<string> allowedMounts, string salt, bool saltGenerated = false)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        ArgumentException.ThrowIfNullOrEmpty(salt);
        TenantId = tenantId;
        this.allowedMounts = new HashSet<string>(allowedMounts.Select(m => m.Trim()).Where(m => m.Length > 0), StringComparer.Ordinal);
        this.salt = Encoding.UTF8.GetBytes(salt);
        SaltGenerated = saltGenerated;
    }

    public string TenantId { get; }
    public IReadOnlyCollection<string> AllowedMounts => allowedMounts;
    public bool SaltGenerated { get; }

    public bool IsMountAllowed(string mount) => allowedMounts.Contains(mount);

    /// <summary>
    /// A key for <paramref name="purpose"/> derived from the tenant salt (HKDF-SHA256): every node of the
    /// tenant derives the same key, the salt itself is never used for two things, and each purpose gets
    /// an unrelated key.
    /// </summary>
    public byte[] DeriveKey(string purpose, int length = 32)
    {
        ArgumentException.ThrowIfNullOrEmpty(purpose);
        return System.Security.Cryptography.HKDF.DeriveKey(System.Security.Cryptography.HashAlgorithmName.SHA256, salt, length, info: Encoding.UTF8.GetBytes(purpose));
    }

    /// <summary>base64url(HMAC-SHA256(salt, canonical URI)) without padding.</summary>
    public string ResourceRef(CanonicalSecretUri uri) => ResourceRef(uri.ToString());

    public string ResourceRef(string canonicalUri) => resourceRefs.GetOrAdd(canonicalUri, salt, static (uri, key) =>
    {
        Span<byte> mac = stackalloc byte[HMACSHA256.HashSizeInBytes];
        HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(uri), mac);
        return Base64Url.EncodeToString(mac);
    });

    private readonly BoundedCache<string, string> resourceRefs = new(4096);
}
