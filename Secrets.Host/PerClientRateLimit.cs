using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;
using Secrets.Shared.Kernel;

namespace Secrets.Host;

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
