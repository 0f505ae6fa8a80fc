using Secrets.Shared.Kernel;

namespace Secrets.Host;

/// <summary>
/// Per-client rate limiting (docs/CONFIGURATION.md#rate-limiting): one token bucket per client id, or per remote address for
/// callers without one; no queueing. A rejected request gets 429 <c>RATE_LIMITED</c> as problem+json
/// with <c>Retry-After</c>. Health, metrics and the API documents are never limited.
/// </summary>
internal static class RateLimits
{
    public static WebApplicationBuilder AddRateLimits(this WebApplicationBuilder builder)
    {
        var settings = RateLimitSettings.From(builder.Configuration);
        builder.Services.AddSingleton(settings);
        if (settings.Enabled)
        {
            builder.Services.AddRateLimiter(_ => { });
            builder.Services.ConfigureOptions<PerClientRateLimit>();
        }

        return builder;
    }

    /// <summary>
    /// Place after every step that sets the <see cref="Caller"/> (the partition is its client id) and
    /// inside <see cref="RequestPipeline"/> (the 429 carries the correlation id and security headers).
    /// </summary>
    public static WebApplication UseRateLimits(this WebApplication app)
    {
        if (app.Services.GetRequiredService<RateLimitSettings>().Enabled)
            app.UseRateLimiter();
        return app;
    }
}
