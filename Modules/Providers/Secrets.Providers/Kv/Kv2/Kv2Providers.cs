using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Secrets.Providers.Kv.DevServer;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Kv.Kv2;

/// <summary>
/// Which KVv2 stores exist: <c>openbao+kv2</c> and <c>hashicorp+kv2</c>, each when its URL is set
/// (provider prefix first, <c>VAULT_</c> second). In dev with no URL at all, or anywhere with a URL
/// of <c>dev</c>, both point at the embedded dev KVv2 server, which is refused outside dev and test.
/// </summary>
internal static class Kv2Providers
{
    private static readonly (string Scheme, string[] Prefixes)[] Providers =
    [
        ("openbao+kv2", ["OPENBAO", "VAULT"]),
        ("hashicorp+kv2", ["HASHICORP", "VAULT"]),
    ];

    public static void AddKv2Providers(this IHostApplicationBuilder builder, DeploymentProfile profile)
    {
        var config = builder.Configuration;
        string? Get(string key) => config[key];
        var urls = Providers.Select(p => Kv2Options.ConfiguredUrl(Get, p.Prefixes)).ToArray();
        var wantsDevServer = urls.Any(IsDev) || (profile == DeploymentProfile.Dev && urls.All(u => u is null));
        EmbeddedKv2Options? dev = null;
        if (wantsDevServer)
        {
            if (!profile.AllowsDevWrites())
                throw new InvalidOperationException("the embedded dev KVv2 server (VAULT_URL=dev) is refused outside ENVIRONMENT=dev and test");
            dev = new EmbeddedKv2Options(
                config["VAULT_DEV_ADDR"] is { Length: > 0 } addr ? addr : EmbeddedKv2Options.DefaultAddress,
                config["VAULT_DEV_ROOT_TOKEN"] is { Length: > 0 } token ? token : EmbeddedKv2Options.DefaultRootToken);
            dev.ResolveLoopbackEndpoint();   // refuse a non-loopback address at startup, not at first use
            builder.Services.AddSingleton(sp => new EmbeddedKv2Server(dev, sp.GetRequiredService<TimeProvider>()));
            builder.Services.AddHostedService(sp => sp.GetRequiredService<EmbeddedKv2Server>());
        }

        for (var i = 0; i < Providers.Length; i++)
        {
            var (scheme, prefixes) = Providers[i];
            var url = urls[i];
            if (dev is not null && (url is null || IsDev(url)))
            {
                var options = Kv2Options.Bind(scheme, _ => null, prefixes, new Uri(dev.Address), devToken: dev.RootToken) with
                {
                    Timeout = TimeSpan.FromSeconds(Settings.Int(config["VAULT_TIMEOUT"], "VAULT_TIMEOUT", 30, 1, 3600)),
                };
                builder.Services.AddKv2Store(options, sp => () => sp.GetRequiredService<EmbeddedKv2Server>().BaseAddress);
            }
            else if (url is not null)
            {
                if (!Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
                    throw new InvalidOperationException($"{prefixes[0]}_URL (or VAULT_URL) must be an http(s) URL");
                var options = Kv2Options.Bind(scheme, Get, prefixes, address);
                builder.Services.AddKv2Store(options, _ => () => address);
            }
        }
    }

    private static bool IsDev(string? url) => string.Equals(url, Kv2Options.DevUrl, StringComparison.OrdinalIgnoreCase);
}
