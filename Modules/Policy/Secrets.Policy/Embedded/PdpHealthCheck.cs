using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Secrets.Policy.Embedded;

/// <summary>
/// Ready: healthy with the rule count; degraded when the last reload failed (the previous rules
/// stay in force, so the service still answers, but the file on disk is not what is enforced).
/// </summary>
internal sealed class PdpHealthCheck(PolicyFile policies) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var count = policies.Current.Rules.Count;
        var data = new Dictionary<string, object> { ["rules"] = count };
        return Task.FromResult(policies.LastError is { } error
            ? HealthCheckResult.Degraded($"the last policy reload failed, the previous {count} rules stay in force: {error}", data: data)
            : HealthCheckResult.Healthy($"{count} policy rules in force", data));
    }
}
