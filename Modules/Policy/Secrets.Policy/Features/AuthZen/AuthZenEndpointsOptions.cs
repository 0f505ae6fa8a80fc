using Microsoft.Extensions.Configuration;
using Secrets.Shared.Kernel;

namespace Secrets.Policy.Features.AuthZen;

/// <summary>
/// The embedded PDP's own AuthZEN endpoints. Registered only when the embedded PDP is the
/// configured PDP; served when <see cref="Enabled"/> (<c>ENABLE_AUTHZEN_ENDPOINTS</c>, default on in
/// dev and test, off in prod). <see cref="PublicBaseUrl"/> (<c>SECRETS_PUBLIC_BASE_URL</c>) is the
/// base the configuration document names; without it, the request's own scheme and host.
/// </summary>
internal sealed record AuthZenEndpointsOptions(bool Enabled, Uri? PublicBaseUrl)
{
    public static AuthZenEndpointsOptions From(IConfiguration config, DeploymentProfile profile)
    {
        ArgumentNullException.ThrowIfNull(config);
        var enabled = Settings.Bool(config["ENABLE_AUTHZEN_ENDPOINTS"], "ENABLE_AUTHZEN_ENDPOINTS", profile != DeploymentProfile.Prod);
        return new AuthZenEndpointsOptions(enabled, Settings.HttpUrl(config["SECRETS_PUBLIC_BASE_URL"], "SECRETS_PUBLIC_BASE_URL"));
    }
}
