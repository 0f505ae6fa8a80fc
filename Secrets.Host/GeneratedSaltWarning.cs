namespace Secrets.Host;

internal sealed class GeneratedSaltWarning(ILogger<GeneratedSaltWarning> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        logger.LogWarning("no TENANT_SALT set: using a random per-process salt (dev only); resource_ref values change on restart");
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
