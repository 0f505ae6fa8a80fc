using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Secrets.Rotation.Features.BulkOperations;
using Secrets.Rotation.Features.ScheduledRotation;
using Secrets.Shared.Kernel;

namespace Secrets.Rotation;

/// <summary>
/// The Rotation module: rotate, bulk, copy and move (later rollback, schedules, backup and restore),
/// composed of the operations of the Providers module's access pipeline (<c>ISecretOperations</c>).
/// Besides its endpoints it holds its limits (<c>BULK_MAX_OPERATIONS</c>) and, with <c>ROTATION_SCHEDULES_PATH</c>, the
/// scheduled rotations: the file is validated here, so a bad one stops the host from starting.
/// </summary>
public static class RotationModule
{
    public static Assembly Assembly => typeof(RotationModule).Assembly;

    public static IHostApplicationBuilder AddRotationModule(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton(new BulkLimits(Settings.Int(builder.Configuration["BULK_MAX_OPERATIONS"], "BULK_MAX_OPERATIONS",
            BulkLimits.DefaultMaxOperations, 1, BulkLimits.MostOperations)));
        AddScheduledRotation(builder);
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
