using Microsoft.Extensions.DependencyInjection;
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
