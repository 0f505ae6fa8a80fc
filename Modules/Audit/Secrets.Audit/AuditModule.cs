using System.Reflection;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Secrets.Audit.Features.RecordAudit;
using Secrets.Audit.Log;
using Secrets.Shared.Kernel;

namespace Secrets.Audit;

/// <summary>The Audit module: audit records to the ring buffer, the SSE stream and the structured log.</summary>
public static class AuditModule
{
    public static Assembly Assembly => typeof(AuditModule).Assembly;

    public static IHostApplicationBuilder AddAuditModule(this IHostApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var profile = DeploymentProfiles.Resolve(config["ENVIRONMENT"]);
        var devEndpoints = profile != DeploymentProfile.Prod
            && Settings.Bool(config["ENABLE_DEV_ENDPOINTS"], "ENABLE_DEV_ENDPOINTS", profile == DeploymentProfile.Dev);
        builder.Services.AddSingleton(new AuditOptions(
            devEndpoints,
            Settings.Int(config["AUDIT_BUFFER_SIZE"], "AUDIT_BUFFER_SIZE", 10_000, 1, 1_000_000),
            IncludeRawUri: profile == DeploymentProfile.Dev));
        builder.Services.AddSingleton<AuditLog>();
        return builder;
    }

    public static void AddAuditHandlers(this IMediatorRegistrationConfigurator cfg) =>
        cfg.AddConsumer<AuditRecordConsumer>();
}
