using Secrets.Providers;
using Secrets.Shared.Kernel;

namespace Secrets.Host;

/// <summary>
/// The deployment profile and tenant of this process (docs/CONFIGURATION.md#profiles, docs/URIS.md#tenant-guard). Prod refuses to start with an
/// unsafe configuration (YAML enabled, no tenant salt, authorization off) unless <c>ALLOW_UNSAFE_CONFIGURATION=true</c>.
/// </summary>
internal static class HostProfile
{
    /// <summary>
    /// The profile's name as the host's environment name ("Hosting environment: dev"), read before the
    /// host is built from where <c>ENVIRONMENT</c> can come from: ASP.NET Core's own variables, the
    /// process environment and the command line, later ones winning as in the host's configuration.
    /// </summary>
    public static string EnvironmentName(string[] args)
    {
        var config = new ConfigurationBuilder()
            .AddEnvironmentVariables("DOTNET_")
            .AddEnvironmentVariables("ASPNETCORE_")
            .AddEnvironmentVariables()
            .AddCommandLine(args)
            .Build();
        return DeploymentProfiles.Parse(config["ENVIRONMENT"]).ToString().ToLowerInvariant();
    }

    public static (DeploymentProfile Profile, TenantContext Tenant) Resolve(IConfiguration config)
    {
        var profile = DeploymentProfiles.Parse(config["ENVIRONMENT"]);
        var unsafeAllowed = Settings.Bool(config["ALLOW_UNSAFE_CONFIGURATION"], "ALLOW_UNSAFE_CONFIGURATION", false);
        var salt = FirstSet(config["TENANT_SALT"], config["SECRET_TENANT_SALT"]);

        if (profile == DeploymentProfile.Prod && !unsafeAllowed)
        {
            if (salt is null)
                throw new InvalidOperationException("ENVIRONMENT=prod requires TENANT_SALT (or SECRET_TENANT_SALT)");
            if (ProvidersModule.IsYamlEnabled(config))
                throw new InvalidOperationException("ENVIRONMENT=prod refuses the YAML provider; unset ENABLE_YAML_PROVIDER");
            if (!DeploymentProfiles.EnforcesAuthorization(profile, config["ENABLE_AUTHORIZATION"]))
                throw new InvalidOperationException("ENVIRONMENT=prod refuses ENABLE_AUTHORIZATION=false: every use must be decided by the PDP");
        }
        if (salt is null && profile != DeploymentProfile.Dev && !unsafeAllowed)
            throw new InvalidOperationException("TENANT_SALT (or SECRET_TENANT_SALT) is required outside dev");

        var generated = salt is null;
        if (generated)
        {
            salt = Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));
        }
        var tenant = new TenantContext(
            FirstSet(config["TENANT_ID"]) ?? "dev",
            Settings.Csv(config["TENANT_ALLOWED_MOUNTS"], ["secret"]),
            salt!,
            generated);
        return (profile, tenant);
    }

    private static string? FirstSet(params string?[] values) => values.FirstOrDefault(v => !string.IsNullOrWhiteSpace(v));
}
