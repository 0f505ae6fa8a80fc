using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Secrets.Policy.Decisions;

namespace Secrets.Policy.Embedded;

internal static class EmbeddedPdpRegistration
{
    /// <summary>
    /// Loads and validates <paramref name="policyPath"/> now, so that a missing or invalid file stops
    /// startup with the <see cref="PolicyLoadException"/> naming the problem; then registers the
    /// embedded PDP (also as <see cref="IPolicyDecisionPoint"/>, the same instance), the file watch
    /// and the <c>pdp</c> readiness check.
    /// </summary>
    public static IServiceCollection AddEmbeddedPdp(this IServiceCollection services, string policyPath)
    {
        var initial = PolicyFile.Load(policyPath);
        services.AddSingleton(sp => new PolicyFile(
            policyPath, initial, sp.GetRequiredService<ILogger<PolicyFile>>(), sp.GetService<TimeProvider>() ?? TimeProvider.System));
        services.AddSingleton<EmbeddedPdp>();
        services.AddSingleton<IPolicyDecisionPoint>(sp => sp.GetRequiredService<EmbeddedPdp>());
        services.AddHostedService<PolicyFileWatch>();
        services.AddHealthChecks().AddCheck<PdpHealthCheck>("pdp", tags: ["ready"]);
        return services;
    }
}

/// <summary>Starts watching the policy file with the host; the container disposes it.</summary>
internal sealed class PolicyFileWatch(PolicyFile policies) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        policies.Start();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

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
