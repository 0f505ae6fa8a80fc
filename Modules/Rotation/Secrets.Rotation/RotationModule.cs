using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Secrets.Rotation.Features.BulkOperations;
using Secrets.Shared.Kernel;

namespace Secrets.Rotation;

/// <summary>
/// The Rotation module: rotate, bulk, copy and move (later rollback, schedules, backup and restore),
/// composed of the operations of the Providers module's access pipeline (<c>ISecretOperations</c>).
/// Besides its endpoints it holds its limits: <c>BULK_MAX_OPERATIONS</c>.
/// </summary>
public static class RotationModule
{
    public static Assembly Assembly => typeof(RotationModule).Assembly;

    public static IHostApplicationBuilder AddRotationModule(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddSingleton(new BulkLimits(Settings.Int(builder.Configuration["BULK_MAX_OPERATIONS"], "BULK_MAX_OPERATIONS",
            BulkLimits.DefaultMaxOperations, 1, BulkLimits.MostOperations)));
        return builder;
    }
}
