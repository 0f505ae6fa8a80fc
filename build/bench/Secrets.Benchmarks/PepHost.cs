using MassTransit;
using MassTransit.Mediator;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Secrets.Audit.Contracts;
using Secrets.Grants;
using Secrets.Policy;
using Secrets.Providers.Contracts;
using Secrets.Shared.Kernel;

namespace Secrets.Benchmarks;

/// <summary>
/// The Policy and Grants modules composed as Secrets.Host composes them (their own registrations
/// and mediator handlers, the embedded PDP on a real policy file), with the two things the PEP asks
/// of other modules made trivial: resource attributes are always empty, audit records are dropped.
/// </summary>
internal sealed class PepHost : IAsyncDisposable
{
    public const string TenantId = "bench";

    private readonly IHost host;

    private PepHost(IHost host)
    {
        this.host = host;
        Mediator = host.Services.GetRequiredService<IMediator>();
    }

    public IMediator Mediator { get; }

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
        builder.Services.AddMediator(cfg =>
        {
            cfg.AddPolicyHandlers();
            cfg.AddGrantsHandlers();
            cfg.AddConsumer<EmptyResourceAttributesHandler>();
            cfg.AddConsumer<DiscardAuditRecords>();
        });
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

/// <summary>Stands in for the Providers module: every path has no owner and no creation stamps.</summary>
internal sealed class EmptyResourceAttributesHandler : MediatorRequestHandler<ReadResourceAttributes, ResourceAttributesRead>
{
    private static readonly Task<ResourceAttributesRead> None = Task.FromResult(new ResourceAttributesRead(ResourceAttributes.None));

    protected override Task<ResourceAttributesRead> Handle(ReadResourceAttributes request, CancellationToken cancellationToken) => None;
}

/// <summary>Stands in for the Audit module (only denies are audited by the PEP; the benchmark has none).</summary>
internal sealed class DiscardAuditRecords : IConsumer<AuditRecord>
{
    public Task Consume(ConsumeContext<AuditRecord> context) => Task.CompletedTask;
}
