using MassTransit;
using MassTransit.Mediator;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Secrets.Audit.Contracts;
using Secrets.Grants;
using Secrets.Grants.Contracts;
using Secrets.Policy;
using Secrets.Shared.Kernel;

namespace Secrets.Benchmarks;

/// <summary>
/// The Policy and Grants modules composed as Secrets.Host composes them (their own registrations,
/// the PDP's mediator handler, the embedded PDP on a real policy file), asked as the access pipeline
/// asks the PEP, with the provider's attribute read made trivial (always empty).
/// </summary>
internal sealed class PepHost : IAsyncDisposable
{
    public const string TenantId = "bench";

    private readonly IHost host;

    private PepHost(IHost host)
    {
        this.host = host;
        Mediator = host.Services.GetRequiredService<IMediator>();
        Pep = host.Services.GetRequiredService<IPolicyEnforcementPoint>();
    }

    public IMediator Mediator { get; }

    public IPolicyEnforcementPoint Pep { get; }

    /// <summary>Stands in for the Providers module: every path has no owner and no creation stamps.</summary>
    public static readonly ResourceAttributesReader NoAttributes = (_, _) => Task.FromResult(ResourceAttributes.None);

    /// <param name="enforce"><c>ENABLE_AUTHORIZATION</c>.</param>
    /// <param name="redisUrl"><c>REDIS_URL</c>; null keeps grant state in memory.</param>
    /// <param name="policyPath"><c>POLICY_PATH</c>.</param>
    /// <param name="contentRoot">The host's content root (an empty temp directory).</param>
    public static async Task<PepHost> StartAsync(bool enforce, string? redisUrl, string policyPath, string contentRoot)
    {
        var builder = Microsoft.Extensions.Hosting.Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = contentRoot, Args = [] });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);   // nothing on the permit paths logs below Warning; keeps the output readable
        // Every variable the two modules read, so nothing leaks in from the caller's environment.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ENVIRONMENT"] = "test",
            ["TENANT_ID"] = TenantId,
            ["POLICY_PATH"] = policyPath,
            ["PDP_URL"] = null,
            ["ENABLE_AUTHORIZATION"] = enforce ? "true" : "false",
            ["REDIS_URL"] = redisUrl,
            ["GRANT_TTL_DEFAULT"] = "300",
            ["GRANT_MAX_USES_DEFAULT"] = "1",    // a permit without obligations is good for exactly one use
            ["NEGATIVE_CACHE_TTL_S"] = "5",
            ["ENABLE_AUTHZEN_ENDPOINTS"] = "false",
        });
        builder.Services.AddSingleton(new TenantContext(TenantId, ["secret"], "bench-salt"));
        builder.AddPolicyModule().AddGrantsModule();
        builder.Services.AddSingleton<IAuditTrail, DiscardAuditRecords>();
        builder.Services.AddMediator(cfg => cfg.AddPolicyHandlers());
        var host = builder.Build();
        await host.StartAsync();
        return new PepHost(host);
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        if (host is IAsyncDisposable disposable)
            await disposable.DisposeAsync();
        else
            host.Dispose();
    }
}
