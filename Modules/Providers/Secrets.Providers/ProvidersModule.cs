using System.Reflection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Secrets.Audit.Contracts;
using Secrets.Providers.Access;
using Secrets.Providers.Contracts;
using Secrets.Providers.Features.ReadServiceKey;
using Secrets.Providers.Features.ResolveAuditSigningKey;
using Secrets.Providers.Kv;
using Secrets.Providers.Kv.Kv2;
using Secrets.Providers.Kv.Yaml;
using Secrets.Shared.Kernel;

namespace Secrets.Providers;

/// <summary>The Providers module: one versioned KV abstraction over OpenBao, HashiCorp Vault and YAML.</summary>
public static class ProvidersModule
{
    public static Assembly Assembly => typeof(ProvidersModule).Assembly;

    /// <summary>True when the YAML provider is on: <c>ENABLE_YAML_PROVIDER</c>, default on in dev and test, off in prod.</summary>
    public static bool IsYamlEnabled(IConfiguration config)
    {
        var profile = DeploymentProfiles.Parse(config["ENVIRONMENT"]);
        return Settings.Bool(config["ENABLE_YAML_PROVIDER"], "ENABLE_YAML_PROVIDER", profile != DeploymentProfile.Prod);
    }

    /// <summary>
    /// Registers the stores, the access pipeline, the audit signing key's resolver and the health check. <paramref name="addInProcessKv2Server"/> adds a
    /// KVv2 server inside the process (the host passes the embedded dev server's); it is called only when a KVv2
    /// provider asks for one (docs/PROVIDERS.md#embedded-dev-kvv2-server), and must register an <see cref="IInProcessKv2Server"/>.
    /// </summary>
    public static IHostApplicationBuilder AddProvidersModule(this IHostApplicationBuilder builder, Action<IHostApplicationBuilder>? addInProcessKv2Server = null)
    {
        var config = builder.Configuration;
        var profile = DeploymentProfiles.Parse(config["ENVIRONMENT"]);
        if (IsYamlEnabled(config))
        {
            var file = new AtomicYamlFile(YamlPath(config, builder.Environment.ContentRootPath, profile));
            if (string.IsNullOrWhiteSpace(config["YAML_VAULT_PATH"]))
                file.EnsureExists(DevSecretsFile.Sample);
            builder.Services.AddSingleton(file);
            builder.Services.AddSingleton<IKvStore>(new YamlKvStore(file, profile));
        }
        builder.AddKv2Providers(profile, addInProcessKv2Server);
        builder.Services.AddSingleton(new ListingOptions(
            Settings.Int(config["LIST_MAX_LIMIT"], "LIST_MAX_LIMIT", 1000, 1, 100_000),
            Settings.Int(config["LIST_MAX_TRAVERSAL"], "LIST_MAX_TRAVERSAL", 10_000, 1, 1_000_000)));
        builder.Services.AddSingleton<KvStoreRegistry>();
        builder.Services.AddSingleton<SecretPipeline>();
        builder.Services.AddSingleton<ISecretOperations>(sp => sp.GetRequiredService<SecretPipeline>());
        builder.Services.AddSingleton<IServiceKeys, ServiceKeyReader>();
        builder.Services.AddSingleton<IAuditSigningKeyResolver, AuditSigningKeyResolver>();
        builder.Services.AddHealthChecks().AddCheck<ProvidersHealthCheck>("providers", tags: ["ready"]);
        return builder;
    }

    private static string YamlPath(IConfiguration config, string contentRoot, DeploymentProfile profile)
    {
        var configured = config["YAML_VAULT_PATH"];
        if (!string.IsNullOrWhiteSpace(configured))
            return configured;
        if (profile != DeploymentProfile.Dev)
            throw new InvalidOperationException("YAML_VAULT_PATH must be set when the YAML provider is enabled outside dev");
        return Path.Combine(contentRoot, DevSecretsFile.FileName);
    }
}
