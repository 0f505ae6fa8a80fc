using System.Net;

namespace Secrets.Providers.DevServer;

/// <summary>
/// Where the embedded dev KVv2 server listens and which token it accepts
/// (<c>VAULT_DEV_ADDR</c>, <c>VAULT_DEV_ROOT_TOKEN</c>; docs/PROVIDERS.md#embedded-dev-kvv2-server). Port 0 picks a free port.
/// </summary>
internal sealed record EmbeddedKv2Options(string Address = EmbeddedKv2Options.DefaultAddress, string RootToken = EmbeddedKv2Options.DefaultRootToken)
{
    public const string DefaultAddress = "http://127.0.0.1:8200";
    public const string DefaultRootToken = "root";

    /// <summary>
    /// The loopback endpoint to bind. Refuses anything that is not a plain <c>http://</c> URL on a
    /// loopback address (127.0.0.0/8, ::1 or <c>localhost</c>, which binds 127.0.0.1): the server
    /// has one all-powerful token and no TLS, so it must never be reachable from another host.
    /// </summary>
    public IPEndPoint ResolveLoopbackEndpoint()
    {
        if (!Uri.TryCreate(Address, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
        {
            throw new ArgumentException(
                $"The embedded KVv2 dev server needs an absolute http:// address such as {DefaultAddress}; got '{Address}'.", nameof(Address));
        }
        if (uri.AbsolutePath != "/" || uri.Query.Length > 0 || uri.Fragment.Length > 0 || uri.UserInfo.Length > 0)
        {
            throw new ArgumentException(
                $"The embedded KVv2 dev server address must be scheme, host and port only (e.g. {DefaultAddress}); got '{Address}'.", nameof(Address));
        }

        IPAddress? ip;
        if (string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase))
            ip = IPAddress.Loopback;
        else if (!IPAddress.TryParse(uri.DnsSafeHost, out ip) || !IPAddress.IsLoopback(ip))
            ip = null;
        if (ip is null)
        {
            throw new ArgumentException(
                $"The embedded KVv2 dev server only binds to a loopback address (127.0.0.1, ::1 or localhost); refusing '{Address}'.", nameof(Address));
        }
        return new IPEndPoint(ip, uri.Port);
    }
}
