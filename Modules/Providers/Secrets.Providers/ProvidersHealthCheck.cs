using Microsoft.Extensions.Diagnostics.HealthChecks;
using Secrets.Providers.Kv;

namespace Secrets.Providers;

internal sealed class ProvidersHealthCheck(KvStoreRegistry stores) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        foreach (var store in stores.All)
        {
            try
            {
                await store.CheckReadyAsync(cancellationToken);
            }
            catch (Exception)
            {
                return HealthCheckResult.Unhealthy($"provider {store.Scheme} is unavailable");
            }
        }
        return HealthCheckResult.Healthy();
    }
}
