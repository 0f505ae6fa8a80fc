using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Secrets.Providers.Contracts;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Kv.Kv2;

/// <summary>
/// Which KVv2 stores exist: <c>openbao+kv2</c> and <c>hashicorp+kv2</c>, each when its URL is set
/// (provider prefix first, <c>VAULT_</c> second). In dev with no URL at all, or anywhere with a URL
/// of <c>dev</c>, both point at a KVv2 server inside the process (<see cref="IInProcessKv2Server"/>,
/// the embedded dev server), which is refused outside dev and test and which the host adds through
/// <paramref name="addInProcessServer"/>: this module knows nothing else of it.
/// </summary>
internal static class Kv2Providers
{
    private static readonly (string Scheme, string[] Prefixes)[] Providers =
    [
        ("openbao+kv2", ["OPENBAO", "VAULT"]),
        ("hashicorp+kv2", ["HASHICORP", "VAULT"]),
    ];

    public static void AddKv2Providers(this IHostApplicationBuilder builder, DeploymentProfile profile, Action<IHostApplicationBuilder>? addInProcessServer)
    {
        var config = builder.Configuration;
        string? Get(string key) => config[key];
        var urls = Providers.Select(p => Kv2Options.ConfiguredUrl(Get, p.Prefixes)).ToArray();
        var inProcess = urls.Any(IsDev) || (profile == DeploymentProfile.Dev && urls.All(u => u is null));
        if (inProcess)
        {
            if (!profile.AllowsDevWrites())
                throw new InvalidOperationException("the embedded dev KVv2 server (VAULT_URL=dev) is refused outside ENVIRONMENT=dev and test");
            if (addInProcessServer is null)
                throw new InvalidOperationException("a KVv2 URL of dev needs the embedded dev KVv2 server, and this host does not include it");
            addInProcessServer(builder);
            if (!builder.Services.Any(s => s.ServiceType == typeof(IInProcessKv2Server)))
                throw new InvalidOperationException("the embedded dev KVv2 server was not registered");
        }

        for (var i = 0; i < Providers.Length; i++)
        {
            var (scheme, prefixes) = Providers[i];
            var url = urls[i];
            if (inProcess && (url is null || IsDev(url)))
            {
                var options = Kv2Options.InProcess(scheme, prefixes, Get);
                builder.Services.AddKv2Store(options, sp =>
                {
                    var server = sp.GetRequiredService<IInProcessKv2Server>();
                    return new Kv2Server(() => server.BaseAddress, server.RootToken);
                });
            }
            else if (url is not null)
            {
                if (!Uri.TryCreate(url.EndsWith('/') ? url : url + "/", UriKind.Absolute, out var address) || address.Scheme is not ("http" or "https"))
                    throw new InvalidOperationException($"{prefixes[0]}_URL (or VAULT_URL) must be an http(s) URL");
                var options = Kv2Options.Bind(scheme, Get, prefixes, address);
                builder.Services.AddKv2Store(options, _ => new Kv2Server(() => address));
            }
        }
    }

    private static bool IsDev(string? url) => string.Equals(url, Kv2Options.DevUrl, StringComparison.OrdinalIgnoreCase);
}
