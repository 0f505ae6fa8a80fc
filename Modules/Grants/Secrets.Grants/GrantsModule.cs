using System.Reflection;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Secrets.Grants.Features.AuthorizeSecretUse;
using Secrets.Shared.Kernel;

namespace Secrets.Grants;

/// <summary>The Grants module: the policy enforcement point (grants, obligations, later binding and anti-replay).</summary>
public static class GrantsModule
{
    public static Assembly Assembly => typeof(GrantsModule).Assembly;

    public static IHostApplicationBuilder AddGrantsModule(this IHostApplicationBuilder builder)
    {
        var config = builder.Configuration;
        builder.Services.AddSingleton(new GrantOptions(
            Settings.Int(config["GRANT_TTL_DEFAULT"], "GRANT_TTL_DEFAULT", 300, 1, 86_400),
            Settings.Int(config["GRANT_MAX_USES_DEFAULT"], "GRANT_MAX_USES_DEFAULT", 1, 1, 1_000_000)));
        return builder;
    }

    public static void AddGrantsHandlers(this IMediatorRegistrationConfigurator cfg) =>
        cfg.AddConsumer<AuthorizeSecretUseHandler>();
}
