using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Secrets.Client.Authentication;
using Secrets.Client.Dpop;

namespace Secrets.Client;

/// <summary><c>services.AddSecretsClient(o => …)</c>: the typed <see cref="SecretsClient"/> through <c>IHttpClientFactory</c>.</summary>
public static class SecretsClientServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="SecretsClient"/>: the primary handler presents the client certificate (mTLS), the retry
    /// handler retries 429 and 503 after their Retry-After (and connection failures), and inside it the authentication
    /// handler puts a token and a fresh DPoP proof on every attempt.
    /// </summary>
    public static IHttpClientBuilder AddSecretsClient(this IServiceCollection services, Action<SecretsClientOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        var options = new SecretsClientOptions();
        configure(options);
        if (options.BaseAddress is null)
            throw new ArgumentException("SecretsClientOptions.BaseAddress is required", nameof(configure));
        services.AddSingleton(options);
        var builder = services.AddHttpClient<SecretsClient>(http =>
            {
                http.BaseAddress = options.BaseAddress;
                // one deadline for the request, its retries and their waits: a per-attempt timeout strategy in the pipeline
                // cost about a fifth more per call over a socket (docs/BENCHMARKS.md#client)
                http.Timeout = options.Timeout;
            })
            .ConfigurePrimaryHttpMessageHandler(() => PrimaryHandler(options));
        if (options.MaxRetries > 0)
            builder.AddResilienceHandler("secrets-retry", pipeline => Retries(pipeline, options));
        var dpop = options.DpopKey is null ? null : new DpopProofFactory(options.DpopKey);
        var tokens = options.TokenSource ?? new StaticTokenSource(null);
        builder.AddHttpMessageHandler(() => new SecretsAuthenticationHandler(tokens, dpop));
        return builder;
    }

    /// <summary>
    /// An <see cref="HttpClient"/> with the authentication handler over <paramref name="primary"/> (default:
    /// <see cref="PrimaryHandler"/>), without retries and outside <c>IHttpClientFactory</c>: for a configuration source
    /// or a command-line tool that needs a client before, or without, a service container. A given
    /// <paramref name="primary"/> is not disposed with the client.
    /// </summary>
    public static HttpClient CreateHttpClient(SecretsClientOptions options, HttpMessageHandler? primary = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var authentication = new SecretsAuthenticationHandler(options.TokenSource ?? new StaticTokenSource(null),
            options.DpopKey is { } key ? new DpopProofFactory(key) : null) { InnerHandler = primary ?? PrimaryHandler(options) };
        return new HttpClient(authentication, disposeHandler: primary is null)
        {
            BaseAddress = options.BaseAddress,
            Timeout = options.Timeout,
        };
    }

    /// <summary>
    /// The handler that opens connections: pooled sockets, the client certificate for mTLS when one is set, and the
    /// service's CA when one is set.
    /// </summary>
    public static HttpMessageHandler PrimaryHandler(SecretsClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var ssl = new SslClientAuthenticationOptions();
        if (options.ClientCertificate is { } certificate)
        {
            ssl.ClientCertificates = [certificate];
            // presented whatever CA names the server lists (without the callback none may be sent when they differ)
            ssl.LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate;
        }
        if (options.ServerCertificateAuthority is { } ca)
        {
            var policy = new X509ChainPolicy { TrustMode = X509ChainTrustMode.CustomRootTrust, RevocationMode = X509RevocationMode.NoCheck };
            policy.CustomTrustStore.Add(ca);
            ssl.CertificateChainPolicy = policy;
        }
        return new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5), SslOptions = ssl };
    }

    internal static void Retries(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, SecretsClientOptions options)
    {
        pipeline.AddRetry(new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = options.MaxRetries,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(200),
            MaxDelay = options.MaxRetryDelay,
            ShouldRetryAfterHeader = true,
            ShouldHandle = args => ValueTask.FromResult(args.Outcome switch
            {
                { Result.StatusCode: HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable } => true,
                { Exception: HttpRequestException or TimeoutException } => true,
                _ => false,
            }),
        });
    }
}
