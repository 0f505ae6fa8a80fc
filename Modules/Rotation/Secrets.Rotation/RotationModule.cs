using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Secrets.Rotation.Contracts;
using Secrets.Rotation.Features.ApproveDestroy;
using Secrets.Rotation.Archive;
using Secrets.Rotation.Features.BulkOperations;
using Secrets.Rotation.Features.ScheduledRotation;
using Secrets.Shared.Kernel;

namespace Secrets.Rotation;

/// <summary>
/// The Rotation module: rotate (given or generated values), rollback, bulk, copy and move, scheduled rotation, the gated
/// destroy, backup and restore, composed of the operations of the Providers module's access pipeline
/// (<c>ISecretOperations</c>). Besides its endpoints it holds its limits (<c>BULK_MAX_OPERATIONS</c>); the gated destroy:
/// the pending approvals every node shares, the expiry sweeper, and what the destroy endpoints of Providers ask
/// (<see cref="IDestroyApprovals"/>): <c>DESTROY_REQUIRES_APPROVAL</c>, <c>APPROVAL_TTL_S</c>; with
/// <c>ROTATION_SCHEDULES_PATH</c>, the scheduled rotations (the file is validated here, so a bad one stops the host); and
/// the backup key's settings, <c>BACKUP_KEY</c> or <c>BACKUP_KEY_POINTER</c>, checked for shape here as well.
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
        AddScheduledRotation(builder);
        builder.Services.AddSingleton(BackupKeySettings.From(builder.Configuration));
        builder.Services.AddSingleton<BackupKeys>();
        return builder;
    }

    /// <summary>The schedules of <c>ROTATION_SCHEDULES_PATH</c> and the service that runs them; without it, none (the list is empty).</summary>
    private static void AddScheduledRotation(IHostApplicationBuilder builder)
    {
        var path = builder.Configuration["ROTATION_SCHEDULES_PATH"];
        builder.Services.AddSingleton<ScheduleRuns>();
        if (string.IsNullOrWhiteSpace(path))
        {
            builder.Services.AddSingleton(RotationSchedules.None);
            return;
        }
        builder.Services.AddSingleton(new RotationSchedules(ScheduleFile.Load(path)));
        builder.Services.AddSingleton(SchedulerNode.From(builder.Configuration["AUDIT_NODE_ID"]));
        builder.Services.AddSingleton<ScheduledRotationRunner>();
        builder.Services.AddHostedService<ScheduledRotationService>();
    }
}
