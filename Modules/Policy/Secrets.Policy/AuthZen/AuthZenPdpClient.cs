using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Secrets.Policy.AuthZen;

// PLACEHOLDER: replaced by the AuthZEN client.
internal sealed record AuthZenOptions(Uri BaseUrl, string? Token, TimeSpan Timeout)
{
    public static AuthZenOptions From(IConfiguration config) => new(new Uri(config["PDP_URL"]!), config["PDP_TOKEN"], TimeSpan.FromSeconds(2));
}

internal static class AuthZenRegistration
{
    public static IServiceCollection AddAuthZenClient(this IServiceCollection services, AuthZenOptions options) => services;
}
