using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Secrets.Policy.Decisions;

namespace Secrets.Policy.AuthZen;

/// <summary>
/// Registers the AuthZEN client as the PDP and its resource search: its HttpClient (one attempt, no retries, no
/// redirects), the metadata it keeps (one per process) and the "pdp" ready check.
/// </summary>
internal static class AuthZenRegistration
{
    /// <summary>Larger answers are refused (fail closed) rather than buffered.</summary>
    private const int MaxAnswerBytes = 1024 * 1024;

    public static IServiceCollection AddAuthZenClient(this IServiceCollection services, AuthZenOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton(options);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<AuthZenDiscovery>();
        services.AddHttpClient<AuthZenPdpClient>(c =>
            {
                c.Timeout = Timeout.InfiniteTimeSpan;   // the client bounds each call by PDP_TIMEOUT_MS itself
                c.MaxResponseContentBufferSize = MaxAnswerBytes;
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                ConnectTimeout = options.Timeout,
                AllowAutoRedirect = false,                 // a redirect is not an answer
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            });
        services.AddTransient<IPolicyDecisionPoint>(sp => sp.GetRequiredService<AuthZenPdpClient>());
        services.AddTransient<IResourceSearch>(sp => sp.GetRequiredService<AuthZenPdpClient>());
        services.AddHealthChecks().AddCheck<AuthZenHealthCheck>("pdp", tags: ["ready"]);
        return services;
    }
}
