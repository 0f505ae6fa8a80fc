using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Secrets.Providers.Contracts;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.DevServer;

/// <summary>
/// Adds the embedded dev KVv2 server to a host: bound to <c>VAULT_DEV_ADDR</c> (loopback only), accepting
/// <c>VAULT_DEV_ROOT_TOKEN</c>, started and stopped with the host, and offered to the KVv2 providers as
/// <see cref="IInProcessKv2Server"/>. The Providers module decides when it is wanted and calls this through
/// the hook the host hands it; outside dev and test it refuses, whoever asks.
/// </summary>
public static class EmbeddedKv2Hosting
{
    public static IHostApplicationBuilder AddEmbeddedKv2Server(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var config = builder.Configuration;
        if (!DeploymentProfiles.Parse(config["ENVIRONMENT"]).AllowsDevWrites())
            throw new InvalidOperationException("the embedded dev KVv2 server (VAULT_URL=dev) is refused outside ENVIRONMENT=dev and test");
        var options = new EmbeddedKv2Options(
            config["VAULT_DEV_ADDR"] is { Length: > 0 } address ? address : EmbeddedKv2Options.DefaultAddress,
            config["VAULT_DEV_ROOT_TOKEN"] is { Length: > 0 } token ? token : EmbeddedKv2Options.DefaultRootToken);
        options.ResolveLoopbackEndpoint();   // refuse a non-loopback address at startup, not at first use
        builder.Services.AddSingleton(sp => new EmbeddedKv2Server(options, sp.GetRequiredService<TimeProvider>()));
        builder.Services.AddSingleton<IInProcessKv2Server>(sp => sp.GetRequiredService<EmbeddedKv2Server>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<EmbeddedKv2Server>());
        return builder;
    }
}
