using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Secrets.Rotation.Contracts;
using Secrets.Rotation.Features.ApproveDestroy;
using Secrets.Rotation.Features.BulkOperations;
using Secrets.Shared.Kernel;

namespace Secrets.Rotation;

/// <summary>
/// The Rotation module: rotate, bulk, copy and move (later rollback, schedules, backup and restore),
/// composed of the operations of the Providers module's access pipeline (<c>ISecretOperations</c>).
/// Besides its endpoints it holds its limits (<c>BULK_MAX_OPERATIONS</c>) and the gated destroy: the pending approvals
/// every node shares, the expiry sweeper, and what the destroy endpoints of Providers ask (<see cref="IDestroyApprovals"/>):
/// <c>DESTROY_REQUIRES_APPROVAL</c>, <c>APPROVAL_TTL_S</c>.
/// </summary>
public static class RotationModule
{
    public static Assembly Assembly => typeof(RotationModule).Assembly;

    public static IHostApplicationBuilder AddRotationModule(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton(new BulkLimits(Settings.Int(builder.Configuration["BULK_MAX_OPERATIONS"], "BULK_MAX_OPERATIONS",
            BulkLimits.DefaultMaxOperations, 1, BulkLimits.MostOperations)));
        var profile = DeploymentProfiles.Parse(builder.Configuration["ENVIRONMENT"]);
        builder.Services.AddSingleton(new DestroyApprovalOptions(
            Settings.Bool(builder.Configuration["DESTROY_REQUIRES_APPROVAL"], "DESTROY_REQUIRES_APPROVAL", profile == DeploymentProfile.Prod),
            TimeSpan.FromSeconds(Settings.Int(builder.Configuration["APPROVAL_TTL_S"], "APPROVAL_TTL_S",
                DestroyApprovalOptions.DefaultTtlSeconds, DestroyApprovalOptions.LeastTtlSeconds, DestroyApprovalOptions.MostTtlSeconds))));
        builder.Services.AddSingleton<DestroyApprovals>();
        builder.Services.AddSingleton<IDestroyApprovals>(sp => sp.GetRequiredService<DestroyApprovals>());
        builder.Services.AddHostedService<DestroyApprovalSweeper>();
        return builder;
    }
}
