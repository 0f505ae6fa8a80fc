using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Secrets.Shared.Kernel;

namespace Secrets.Host;

/// <summary>
/// <c>RATE_LIMIT_PER_CLIENT_RPS</c> (default 200) and <c>RATE_LIMIT_BURST</c> (default 400), docs/CONFIGURATION.md#rate-limiting;
/// <c>0</c> in either turns rate limiting off.
/// </summary>
internal sealed record RateLimitSettings(int PerClientRps, int Burst)
{
    public const int Max = 1_000_000;

    public bool Enabled => PerClientRps > 0 && Burst > 0;

    public static RateLimitSettings From(IConfiguration config) => new(
        Settings.Int(config["RATE_LIMIT_PER_CLIENT_RPS"], "RATE_LIMIT_PER_CLIENT_RPS", 200, 0, Max),
        Settings.Int(config["RATE_LIMIT_BURST"], "RATE_LIMIT_BURST", 400, 0, Max));
}

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

/// <summary>The global limiter: partitions, buckets and the rejection answer.</summary>
internal sealed class PerClientRateLimit(RateLimitSettings settings, ILogger<PerClientRateLimit> logger)
    : IConfigureOptions<RateLimiterOptions>
{
    public void Configure(RateLimiterOptions options)
    {
        var bucket = new TokenBucketRateLimiterOptions
        {
            TokenLimit = settings.Burst,
            TokensPerPeriod = settings.PerClientRps,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            // the partitioned limiter's own timer replenishes every bucket: no timer per partition
            AutoReplenishment = false,
        };
        // created once: a partition per request is then a struct key and these two cached delegates
        Func<RateLimitPartitionKey, RateLimiter> newBucket = _ => new TokenBucketRateLimiter(bucket);
        var exempt = RateLimitPartition.GetNoLimiter(RateLimitPartitionKey.Exempt);

        options.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, RateLimitPartitionKey>(http =>
            IsExempt(http.Request.Path) ? exempt : new(RateLimitPartitionKey.For(http), newBucket));
        options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        options.OnRejected = (context, _) =>
        {
            var http = context.HttpContext;
            var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
            // the request log line (Information, status 429) already records every rejection
            if (logger.IsEnabled(LogLevel.Debug))
                logger.LogDebug("rate limited {Partition}, retry after {RetryAfter}", RateLimitPartitionKey.For(http).ToString(), retryAfter);
            return new ValueTask(ProblemBody.WriteAsync(http, ProblemBody.For(ErrorCode.RateLimited, http.TraceIdentifier), retryAfter));
        };
    }

    /// <summary>Health, metrics and OpenAPI stay anonymous, and unlimited (docs/API.md#host-endpoints).</summary>
    private static bool IsExempt(PathString path) => AnonymousPaths.Contains(path.Value);
}

/// <summary>
/// Whose bucket a request draws from: the caller's client id when it has one, else its remote address,
/// so anonymous callers from one address share a bucket. A struct of references the request already
/// holds: no string is built per request (<see cref="ToString"/> is for logs only).
/// </summary>
internal readonly record struct RateLimitPartitionKey(RateLimitPartitionKind Kind, string? ClientId, IPAddress? Address)
{
    public static readonly RateLimitPartitionKey Exempt = new(RateLimitPartitionKind.Exempt, null, null);

    public static RateLimitPartitionKey For(HttpContext http)
    {
        if (http.Features.Get<Caller>()?.ClientId is { Length: > 0 } clientId)
            return new(RateLimitPartitionKind.Client, clientId, null);
        var address = http.Connection.RemoteIpAddress;
        if (address is { IsIPv4MappedToIPv6: true })
            address = address.MapToIPv4();   // one client over a dual-stack socket is still one address
        return new(RateLimitPartitionKind.Address, null, address);
    }

    public override string ToString() => Kind switch
    {
        RateLimitPartitionKind.Client => "client:" + ClientId,
        RateLimitPartitionKind.Address => "ip:" + (Address?.ToString() ?? "unknown"),
        _ => "exempt",
    };
}

internal enum RateLimitPartitionKind : byte
{
    Exempt,
    Client,
    Address,
}
