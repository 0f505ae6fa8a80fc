using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Secrets.Policy.AuthZen;

/// <summary>The "pdp" ready check (tag ready) of an external PDP.</summary>
internal sealed class AuthZenHealthCheck(AuthZenPdpClient client) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        client.CheckHealthAsync(cancellationToken);
}
