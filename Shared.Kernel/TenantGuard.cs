using System.Diagnostics.Metrics;

namespace Secrets.Shared.Kernel;

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
