using Microsoft.Extensions.Configuration;
using Secrets.Shared.Kernel;

namespace Secrets.Policy.Features.AuthZen;

/// <summary>
/// The embedded PDP's own AuthZEN endpoints. Registered only when the embedded PDP is the
/// configured PDP; served when <see cref="Enabled"/> (<c>ENABLE_AUTHZEN_ENDPOINTS</c>, default on in
/// dev and test, off in prod). <see cref="PublicBaseUrl"/> (<c>SECRETS_PUBLIC_BASE_URL</c>) is the
/// PDP identifier the configuration document names; without it, the request's own host (https
/// outside dev). <see cref="RequiredScope"/> (<c>AUTHZEN_REQUIRED_SCOPE</c>, default
/// <c>secrets.pdp</c> in test and prod, none in dev; <c>none</c> turns it off, which prod refuses
/// unless <c>ALLOW_UNSAFE_CONFIGURATION</c>) is what a caller's access token must carry.
/// </summary>
internal sealed record AuthZenEndpointsOptions(bool Enabled, Uri? PublicBaseUrl, string? RequiredScope, bool AllowHttp)
{
    public const string NoScope = "none";

    public static AuthZenEndpointsOptions From(IConfiguration config, DeploymentProfile profile)
    {
        ArgumentNullException.ThrowIfNull(config);
        var dev = profile == DeploymentProfile.Dev;
        var enabled = Settings.Bool(config["ENABLE_AUTHZEN_ENDPOINTS"], "ENABLE_AUTHZEN_ENDPOINTS", profile != DeploymentProfile.Prod);
        var publicBaseUrl = Settings.HttpUrl(config["SECRETS_PUBLIC_BASE_URL"], "SECRETS_PUBLIC_BASE_URL");
        // AuthZEN 1.0 §9.1.1: the PDP identifier is an https URL; plain http only in dev or on this machine
        if (enabled && !dev && publicBaseUrl is { Scheme: "http", IsLoopback: false })
            throw new InvalidOperationException("SECRETS_PUBLIC_BASE_URL must be an https URL outside dev while ENABLE_AUTHZEN_ENDPOINTS is on (it is the AuthZEN PDP identifier)");

        var scope = config["AUTHZEN_REQUIRED_SCOPE"]?.Trim();
        if (string.IsNullOrEmpty(scope))
            scope = dev ? null : SecretScopes.Pdp;
        else if (string.Equals(scope, NoScope, StringComparison.OrdinalIgnoreCase))
            scope = null;
        else if (!scope.All(c => c is '!' or (>= '#' and <= '[') or (>= ']' and <= '~')))   // one RFC 6749 §3.3 scope-token
            throw new InvalidOperationException("AUTHZEN_REQUIRED_SCOPE must be one OAuth scope (no spaces or quotes), or none");
        if (enabled && scope is null && profile == DeploymentProfile.Prod
            && !Settings.Bool(config["ALLOW_UNSAFE_CONFIGURATION"], "ALLOW_UNSAFE_CONFIGURATION", false))
            throw new InvalidOperationException("ENVIRONMENT=prod refuses AUTHZEN_REQUIRED_SCOPE=none while ENABLE_AUTHZEN_ENDPOINTS is on: the PDP answers authenticated callers only");
        return new AuthZenEndpointsOptions(enabled, publicBaseUrl, scope, dev);
    }
}
