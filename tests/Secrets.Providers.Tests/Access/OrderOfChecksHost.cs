using Secrets.Testing.Auth;

namespace Secrets.Providers.Tests.Access;

/// <summary>
/// The host for <see cref="OrderOfChecksTests"/>: the test profile on YAML with no KVv2 provider (its
/// URIs are 501), authentication required and scopes enforced, trusting its own test issuer; the
/// permit-all policies, so that a request that passes every check is permitted.
/// </summary>
public sealed class OrderOfChecksHost : AuthenticatedHost
{
    public OrderOfChecksHost()
        : base(("ENVIRONMENT", "test"), ("ENABLE_DEV_ENDPOINTS", "true"), ("SECRETS_ENFORCE_SCOPES", "true"), ("RATE_LIMIT_PER_CLIENT_RPS", "0"))
    {
    }
}
