using System.Buffers.Text;
using System.Diagnostics.Metrics;
using System.Security.Cryptography;
using System.Text;

namespace Secrets.Shared.Kernel;

/// <summary>The deployment profile (docs/CONFIGURATION.md#profiles), from <c>ENVIRONMENT</c> (default dev).</summary>
public enum DeploymentProfile
{
    Dev,
    Test,
    Prod,
}

public static class DeploymentProfiles
{
    /// <summary>
    /// The profile the configured <c>ENVIRONMENT</c> names. ASP.NET Core's own environment
    /// (<c>ASPNETCORE_ENVIRONMENT</c>, <c>--environment</c>) arrives under the same key: <c>Development</c>
    /// means dev and <c>Production</c> prod, so a deployment marked production never runs as dev;
    /// <c>Staging</c>, which is neither, is refused like any other unknown name.
    /// </summary>
    public static DeploymentProfile Parse(string? value) => (value ?? "dev").Trim().ToLowerInvariant() switch
    {
        "" or "dev" or "development" => DeploymentProfile.Dev,
        "test" or "testing" => DeploymentProfile.Test,
        "prod" or "production" => DeploymentProfile.Prod,
        _ => throw new InvalidOperationException("ENVIRONMENT must be one of dev, test, prod"),
    };

    public static bool AllowsDevWrites(this DeploymentProfile profile) => profile is DeploymentProfile.Dev or DeploymentProfile.Test;

    /// <summary>
    /// <c>ENABLE_AUTHORIZATION</c>: whether the PEP consults the PDP (docs/AUTHORIZATION.md#enforcement): optional (off) in
    /// dev, on in test and prod.
    /// </summary>
    public static bool EnforcesAuthorization(DeploymentProfile profile, string? configured) =>
        Settings.Bool(configured, "ENABLE_AUTHORIZATION", profile != DeploymentProfile.Dev);
}

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

/// <summary>Runs before the PDP and before any provider call; fails closed.</summary>
public sealed class TenantGuard(TenantContext tenant)
{
    private static readonly Counter<long> Violations = Telemetry.Meter.CreateCounter<long>("tenant_mount_violation_total");

    public TenantContext Tenant => tenant;

    public void EnsureMountAllowed(CanonicalSecretUri uri)
    {
        if (tenant.IsMountAllowed(uri.Mount))
            return;
        Violations.Add(1, new KeyValuePair<string, object?>("tenant", tenant.TenantId));
        throw new SecretsProblem(ErrorCode.TenantMountMismatch);
    }

    /// <summary>Parses, then guards: the order every slice follows.</summary>
    public CanonicalSecretUri ParseAllowed(string? input, int? version = null, UriAllowance allow = UriAllowance.None)
    {
        var uri = CanonicalSecretUri.Parse(input, version, allow);
        EnsureMountAllowed(uri);
        return uri;
    }
}
