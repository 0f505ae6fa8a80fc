using Shouldly;

namespace Secrets.Testing;

/// <summary>Hosts built from a few settings, and the check that a host refuses to start.</summary>
public static class HostStartup
{
    /// <summary>A host with <paramref name="settings"/> over the defaults (a later entry wins over an earlier one of the same key).</summary>
    public static SecretsHostFactory HostWith(params (string Key, string? Value)[] settings)
    {
        var all = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (key, value) in settings)
            all[key] = value;
        return new SecretsHostFactory(all);
    }

    /// <summary>Starting <paramref name="host"/> throws, and what it throws names each of <paramref name="named"/>; the host is disposed.</summary>
    public static void ShouldRefuseToStart(this SecretsHostFactory host, params string[] named)
    {
        ArgumentNullException.ThrowIfNull(host);
        using (host)
        {
            var start = () => host.CreateClient();
            var text = start.ShouldThrow<Exception>().ToString();
            foreach (var name in named)
                text.ShouldContain(name);
        }
    }
}
