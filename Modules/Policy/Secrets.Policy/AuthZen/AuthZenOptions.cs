using Microsoft.Extensions.Configuration;
using Secrets.Shared.Kernel;

namespace Secrets.Policy.AuthZen;

/// <summary>
/// The external PDP (docs/AUTHORIZATION.md#an-external-pdp-over-authzen): <c>PDP_URL</c> (its identifier: an absolute https URL
/// without query or fragment; http only for a loopback address or in dev), <c>PDP_TOKEN</c> (optional bearer token) and
/// <c>PDP_TIMEOUT_MS</c> (one attempt's bound, default 2000, 100..60000).
/// </summary>
internal sealed record AuthZenOptions(Uri Identifier, string? Token, TimeSpan Timeout)
{
    public const string WellKnownPath = "/.well-known/authzen-configuration";

    /// <summary>Plain http to any host (the dev profile); otherwise only to a loopback address.</summary>
    public bool AllowHttp { get; init; }

    public static AuthZenOptions From(IConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return From(key => config[key]);
    }

    public static AuthZenOptions From(Func<string, string?> config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var dev = DeploymentProfiles.Parse(config("ENVIRONMENT")) == DeploymentProfile.Dev;
        var raw = config("PDP_URL")?.Trim();
        if (!Uri.TryCreate(raw, UriKind.Absolute, out var url)
            || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)
            || url.Query.Length > 0 || url.Fragment.Length > 0)
            throw new InvalidOperationException("PDP_URL must be an absolute https URL without query or fragment");
        var token = config("PDP_TOKEN")?.Trim();
        var timeoutMs = Settings.Int(config("PDP_TIMEOUT_MS"), "PDP_TIMEOUT_MS", 2000, 100, 60_000);
        var options = new AuthZenOptions(Normalized(url), string.IsNullOrEmpty(token) ? null : token, TimeSpan.FromMilliseconds(timeoutMs)) { AllowHttp = dev };
        // AuthZEN 1.0 §11.1: the connection to the PDP is TLS
        if (!options.Accepts(url))
            throw new InvalidOperationException("PDP_URL must be an https URL (http only for a loopback address or in dev)");
        return options;
    }

    /// <summary>The identifier as text, without a trailing slash: what the PDP's <c>policy_decision_point</c> must be.</summary>
    public string IdentifierText => Identifier.AbsoluteUri.TrimEnd('/');

    /// <summary>The base the default paths are appended to (AuthZEN 1.0 §10.1): the identifier and a slash.</summary>
    public Uri BaseUrl => new(IdentifierText + "/");

    /// <summary>
    /// Where the PDP's metadata is (AuthZEN 1.0 §9.2): the well-known path inserted between the host and the
    /// identifier's path, <c>https://pdp/t1</c> → <c>https://pdp/.well-known/authzen-configuration/t1</c>.
    /// </summary>
    public Uri MetadataUrl => new(Identifier.GetLeftPart(UriPartial.Authority) + WellKnownPath + Identifier.AbsolutePath.TrimEnd('/'));

    /// <summary>Whether the client may call <paramref name="url"/>: https, or http on a loopback address or in dev.</summary>
    public bool Accepts(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        return url.IsAbsoluteUri && (url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && (AllowHttp || url.IsLoopback)));
    }

    /// <summary>
    /// Whether <paramref name="named"/> is this PDP (AuthZEN 1.0 §9.2.3): the same scheme, host and port, and the same
    /// path but for a trailing slash (the case of scheme and host does not count, RFC 3986 §6.2.2.1); no query or fragment.
    /// </summary>
    public bool IsIdentifier(Uri named)
    {
        ArgumentNullException.ThrowIfNull(named);
        return named.IsAbsoluteUri && named.Query.Length == 0 && named.Fragment.Length == 0
            && Uri.Compare(named, Identifier, UriComponents.SchemeAndServer, UriFormat.UriEscaped, StringComparison.OrdinalIgnoreCase) == 0
            && string.Equals(named.AbsolutePath.TrimEnd('/'), Identifier.AbsolutePath.TrimEnd('/'), StringComparison.Ordinal);
    }

    public override string ToString() => $"AuthZEN PDP at {IdentifierText}";   // never the token

    private static Uri Normalized(Uri url) => new(url.AbsoluteUri.TrimEnd('/'));
}
