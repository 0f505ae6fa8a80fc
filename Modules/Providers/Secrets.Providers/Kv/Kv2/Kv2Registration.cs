using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Logging;
using Polly;

namespace Secrets.Providers.Kv.Kv2;

/// <summary>Registers one KVv2 store: its HttpClient (TLS, pool, redirects, resilience), token source and client.</summary>
internal static class Kv2Registration
{
    public static IServiceCollection AddKv2Store(this IServiceCollection services, Kv2Options options, Func<IServiceProvider, Kv2Server> server)
    {
        var name = "kv2:" + options.Scheme;
        var authName = name + ":auth";

        // No HttpClient logging handlers: their scope per request costs on every provider call, and the
        // client logs what matters itself (provider unavailable, error status) without provider texts.
        services.AddHttpClient(authName)
            .ConfigurePrimaryHttpMessageHandler(() => PrimaryHandler(options))
            .ConfigureHttpClient(c => c.Timeout = options.Timeout)
            .RemoveAllLoggers();

        services.AddHttpClient(name)
            .ConfigurePrimaryHttpMessageHandler(() => PrimaryHandler(options))
            .ConfigureHttpClient(c => c.Timeout = Timeout.InfiniteTimeSpan)   // the resilience handler times out
            .RemoveAllLoggers()
            .AddResilienceHandler("kv2", pipeline => Resilience(pipeline, options));
        services.AddSingleton<IKvStore>(sp =>
        {
            var factory = sp.GetRequiredService<IHttpClientFactory>();
            var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger("Secrets.Providers.Kv2");
            var at = server(sp);
            var bound = at.Token is null ? options : options with { Token = at.Token };
            var time = sp.GetRequiredService<TimeProvider>();
            var tokens = new Kv2TokenSource(bound, factory.CreateClient(authName), at.Address, time, logger);
            return new Kv2Store(new Kv2HttpClient(factory.CreateClient(name), tokens, bound, at.Address, logger), bound.Timeout, time);
        });
        return services;
    }

    /// <summary>
    /// The standard resilience strategies, in the standard order, but no rate limiter (the client's own
    /// bulkhead, <c>VAULT_MAX_CONCURRENT_OPERATIONS</c>, limits): a total timeout, retries of reads only
    /// (jittered; a <c>Retry-After</c> longer than we would wait goes back to the caller as 503), a
    /// circuit breaker, and a timeout per attempt.
    /// </summary>
    /// <summary>
    /// How long an open circuit refuses before one call probes the server again: short, so that a server that is back
    /// is used again within about a second (the standard 5 s kept every read refused that long after it returned).
    /// </summary>
    internal static readonly TimeSpan BreakDuration = TimeSpan.FromSeconds(1);

    private static void Resilience(ResiliencePipelineBuilder<HttpResponseMessage> pipeline, Kv2Options options)
    {
        var retry = new HttpRetryStrategyOptions
        {
            MaxRetryAttempts = 2,
            Delay = TimeSpan.FromMilliseconds(200),
            MaxDelay = TimeSpan.FromSeconds(2),
            UseJitter = true,
        };
        var transient = retry.ShouldHandle;
        retry.ShouldHandle = args =>
            args.Outcome.Result?.Headers.RetryAfter?.Delta is { } wait && wait > retry.MaxDelay
                ? ValueTask.FromResult(false)
                : transient(args);
#pragma warning disable EXTEXP0001 // experimental API: writes (POST/PUT/DELETE) are never retried
        retry.DisableForUnsafeHttpMethods();
#pragma warning restore EXTEXP0001
        pipeline
            .AddTimeout(options.Timeout * 3)
            .AddRetry(retry)
            .AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
            {
                SamplingDuration = options.Timeout * 2 + TimeSpan.FromSeconds(1),
                BreakDuration = BreakDuration,
            })
            .AddTimeout(options.Timeout);
    }

    private static SocketsHttpHandler PrimaryHandler(Kv2Options options)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = options.PoolSize,
            AllowAutoRedirect = true,              // standby nodes answer 307 to the active one
            MaxAutomaticRedirections = 3,
            ConnectTimeout = options.Timeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
        if (!options.VerifySsl)
        {
#pragma warning disable CA5359 // VAULT_VERIFY_SSL=false is the operator's explicit choice (documented as unsafe)
            handler.SslOptions.RemoteCertificateValidationCallback = (_, _, _, _) => true;
#pragma warning restore CA5359
        }
        else if (options.CaCertPath is { } caPath)
        {
            var ca = X509CertificateLoader.LoadCertificateFromFile(caPath);
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
            {
                if (errors == SslPolicyErrors.None)
                    return true;
                if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != 0)
                    return false;
                using var custom = new X509Chain();
                custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                custom.ChainPolicy.CustomTrustStore.Add(ca);
                custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return custom.Build(new X509Certificate2(certificate));
            };
        }
        return handler;
    }
}
