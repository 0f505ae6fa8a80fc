using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Secrets.Rotation.Archive;
using Secrets.Rotation.Features.BulkOperations;
using Secrets.Shared.Kernel;

namespace Secrets.Rotation;

/// <summary>
/// The Rotation module: rotate, bulk, copy and move, backup and restore (later rollback and schedules),
/// composed of the operations of the Providers module's access pipeline (<c>ISecretOperations</c>).
/// Besides its endpoints it holds its limits, <c>BULK_MAX_OPERATIONS</c>, and the backup key's settings,
/// <c>BACKUP_KEY</c> or <c>BACKUP_KEY_POINTER</c>, checked for shape here so that a wrong one stops the start.
/// </summary>
public static class RotationModule
{
    public static Assembly Assembly => typeof(RotationModule).Assembly;

    public static IHostApplicationBuilder AddRotationModule(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton(new BulkLimits(Settings.Int(builder.Configuration["BULK_MAX_OPERATIONS"], "BULK_MAX_OPERATIONS",
            BulkLimits.DefaultMaxOperations, 1, BulkLimits.MostOperations)));
        builder.Services.AddSingleton(BackupKeySettings.From(builder.Configuration));
        builder.Services.AddSingleton<BackupKeys>();
        return builder;
    }
}
