using Microsoft.Extensions.Configuration;
using Secrets.Shared.Kernel;

namespace Secrets.Policy.AuthZen;

/// <summary>
/// The external PDP (docs/AUTHORIZATION.md#an-external-pdp-over-authzen): <c>PDP_URL</c> (absolute http/https base URL), <c>PDP_TOKEN</c>
/// (optional bearer token) and <c>PDP_TIMEOUT_MS</c> (one attempt's bound, default 2000, 100..60000).
/// </summary>
internal sealed record AuthZenOptions(Uri BaseUrl, string? Token, TimeSpan Timeout)
{
    public static AuthZenOptions From(IConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return From(key => config[key]);
    }

    public static AuthZenOptions From(Func<string, string?> config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var raw = config("PDP_URL")?.Trim();
        if (!Uri.TryCreate(raw, UriKind.Absolute, out var url)
            || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)
            || url.Query.Length > 0 || url.Fragment.Length > 0)
            throw new InvalidOperationException("PDP_URL must be an absolute http or https URL without query or fragment");
        var token = config("PDP_TOKEN")?.Trim();
        var timeoutMs = Settings.Int(config("PDP_TIMEOUT_MS"), "PDP_TIMEOUT_MS", 2000, 100, 60_000);
        // a base with a path keeps it: https://pdp.example/authz + access/v1/evaluation
        var baseUrl = url.AbsoluteUri.EndsWith('/') ? url : new Uri(url.AbsoluteUri + "/");
        return new AuthZenOptions(baseUrl, string.IsNullOrEmpty(token) ? null : token, TimeSpan.FromMilliseconds(timeoutMs));
    }

    public override string ToString() => $"AuthZEN PDP at {BaseUrl}";   // never the token
}
