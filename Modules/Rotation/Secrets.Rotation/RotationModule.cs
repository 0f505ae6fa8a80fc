using System.Reflection;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Secrets.Rotation.Access;
using Secrets.Rotation.Features.CopySecret;

namespace Secrets.Rotation;

/// <summary>The Rotation module: rotate, bulk, copy and move (later rollback, schedules, backup and restore).</summary>
public static class RotationModule
{
    public static Assembly Assembly => typeof(RotationModule).Assembly;

    public static IHostApplicationBuilder AddRotationModule(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<RotationAccess>();
        builder.Services.AddSingleton<SecretRelocation>();
        return builder;
    }
}
