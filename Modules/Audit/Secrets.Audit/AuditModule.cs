using System.Reflection;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Secrets.Audit.Contracts;
using Secrets.Audit.Integrity;
using Secrets.Audit.Kafka;
using Secrets.Audit.Log;
using Secrets.Audit.Outbox;
using Secrets.Audit.Settlement;
using Secrets.Shared.Kernel;

namespace Secrets.Audit;

/// <summary>
/// The Audit module: one record per outcome of every request to a secret endpoint, to the ring
/// buffer, the SSE stream and (as <c>AUDIT_LOG</c> says) the application log.
/// </summary>
public static class AuditModule
{
    public static Assembly Assembly => typeof(AuditModule).Assembly;

    public static IHostApplicationBuilder AddAuditModule(this IHostApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var profile = DeploymentProfiles.Parse(config["ENVIRONMENT"]);
        var devEndpoints = profile != DeploymentProfile.Prod
            && Settings.Bool(config["ENABLE_DEV_ENDPOINTS"], "ENABLE_DEV_ENDPOINTS", profile == DeploymentProfile.Dev);
        builder.Services.AddSingleton(new AuditOptions(
            devEndpoints,
            Settings.Int(config["AUDIT_BUFFER_SIZE"], "AUDIT_BUFFER_SIZE", 10_000, 1, 100_000),
            IncludeRawUri: profile == DeploymentProfile.Dev,
            LogLines(config["AUDIT_LOG"], profile)));
        builder.Services.AddSingleton<AuditLog>();
        builder.Services.AddSingleton<IAuditTrail, AuditTrail>();
        builder.Services.AddSingleton<OperationAudit>();
        builder.Services.AddSingleton<IOperationAudit>(sp => sp.GetRequiredService<OperationAudit>());
        // every event chained (docs/AUDIT.md#tamper-evidence), sampled (docs/AUDIT.md#sampling) and sent in one order
        var sampleCacheHitN = Settings.Int(config["AUDIT_SAMPLE_CACHE_HIT_N"], "AUDIT_SAMPLE_CACHE_HIT_N", 1, 1, 1_000_000);
        builder.Services.AddSingleton(sp =>
        {
            var integrity = sp.GetRequiredService<AuditIntegrityOptions>();
            var keys = sp.GetRequiredService<AuditSigningKeys>();
            var checkpoints = new AuditCheckpoints(new AuditChain(integrity.NodeId), () => keys.Current, sp.GetRequiredService<TenantContext>().TenantId,
                integrity.CheckpointEvery, integrity.CheckpointSeconds, sp.GetRequiredService<TimeProvider>());
            return new AuditEmitter(sp.GetRequiredService<AuditLog>(), checkpoints, sp.GetRequiredService<AuditDurability>(), sampleCacheHitN);
        });
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddHostedService<AuditCheckpointTimer>();
        var outbox = AuditOutboxOptions.From(config);
        if (outbox is not null)
        {
            // the outbox the Kafka relay reads (docs/AUDIT.md#outbox); opened when first asked for
            builder.Services.AddSingleton(outbox);
            builder.Services.AddSingleton(sp => AuditOutbox.Open(outbox, sp.GetRequiredService<ILogger<AuditOutbox>>()));
            builder.Services.AddHealthChecks().AddCheck<AuditOutboxHealthCheck>("audit-outbox", tags: ["ready"]);
        }
        // durable audit (docs/AUDIT.md#durable-audit): with an outbox, a request's events are on disk before it is answered
        var failClosed = Settings.Bool(config["AUDIT_FAIL_CLOSED"], "AUDIT_FAIL_CLOSED", profile == DeploymentProfile.Prod);
        builder.Services.AddSingleton(sp => new AuditDurability(sp, outbox is not null, failClosed, sp.GetRequiredService<ILogger<AuditDurability>>()));
        builder.Services.AddSingleton<IAuditGate>(sp => sp.GetRequiredService<AuditDurability>());
        if (KafkaSettings.From(key => config[key]) is { } kafka)
        {
            // events reach Kafka only through the durable outbox (docs/AUDIT.md#kafka)
            if (outbox is null)
                throw new InvalidOperationException("KAFKA_BOOTSTRAP_SERVERS needs AUDIT_OUTBOX_PATH: audit events reach Kafka through the durable outbox");
            builder.Services.AddSingleton(kafka);
            builder.Services.AddSingleton<KafkaAuditProducer>();
            builder.Services.AddHostedService<AuditRelay>();
        }
        else if (outbox is not null)
        {
            builder.Services.AddHostedService<UndrainedOutboxWarning>();
        }
        // tamper evidence (docs/AUDIT.md#tamper-evidence): the node id, the checkpoint rule and the signing key
        builder.Services.AddSingleton(AuditIntegrityOptions.From(config, profile));
        builder.Services.AddSingleton<AuditSigningKeys>();
        return builder;
    }

    /// <summary>
    /// The host command <c>verify-audit</c> (docs/AUDIT.md#verify-audit): verifies exported audit events
    /// and prints one line per problem; 0 intact, 1 a problem found, 2 the command could not run.
    /// </summary>
    public static Task<int> RunVerifyAuditAsync(IReadOnlyList<string> args, IConfiguration config, TextWriter output, TextWriter error, CancellationToken ct = default) =>
        VerifyAuditCommand.RunAsync(args, name => config[name], output, error, ct);

    /// <summary>Settles the audit records of every request to a secret endpoint; after authentication and rate limiting.</summary>
    public static IApplicationBuilder UseAuditModule(this IApplicationBuilder app) =>
        app.UseMiddleware<AuditSettlement>();

    /// <summary><c>AUDIT_LOG</c>: all, failures or none; by default failures in dev and all in test and prod.</summary>
    private static AuditLogLines LogLines(string? configured, DeploymentProfile profile) => configured?.Trim().ToLowerInvariant() switch
    {
        null or "" => profile == DeploymentProfile.Dev ? AuditLogLines.Failures : AuditLogLines.All,
        "all" => AuditLogLines.All,
        "failures" => AuditLogLines.Failures,
        "none" => AuditLogLines.None,
        _ => throw new InvalidOperationException("AUDIT_LOG must be all, failures or none"),
    };
}
