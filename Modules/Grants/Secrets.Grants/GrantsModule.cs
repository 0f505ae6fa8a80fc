using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.AspNetCore.Builder;
using Secrets.Grants.Authentication;
using Secrets.Grants.Binding;
using Secrets.Grants.Enforcement;
using Secrets.Grants.Listings;
using Secrets.Grants.Contracts;
using Secrets.Grants.State;
using Secrets.Shared.Kernel;

namespace Secrets.Grants;

/// <summary>
/// The Grants module: the policy enforcement point. Grants, use counters, cached denies and the
/// replay window live in memory, or in Redis with <c>REDIS_URL</c> so that <c>max_uses</c> and replay
/// checks hold across nodes (docs/AUTHORIZATION.md#multi-node-redis, docs/AUTHENTICATION.md#anti-replay).
/// </summary>
public static class GrantsModule
{
    /// <summary>How long a miss waits for another caller's decision of the same grant (covers a slow PDP and attribute read).</summary>
    private static readonly TimeSpan DecisionWait = TimeSpan.FromSeconds(10);

    public static Assembly Assembly => typeof(GrantsModule).Assembly;

    public static IHostApplicationBuilder AddGrantsModule(this IHostApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var profile = DeploymentProfiles.Parse(config["ENVIRONMENT"]);
        builder.Services.AddSingleton(new GrantOptions(
            DeploymentProfiles.EnforcesAuthorization(profile, config["ENABLE_AUTHORIZATION"]),
            Settings.Int(config["GRANT_TTL_DEFAULT"], "GRANT_TTL_DEFAULT", 300, 1, 86_400),
            Settings.Int(config["GRANT_MAX_USES_DEFAULT"], "GRANT_MAX_USES_DEFAULT", 1, 1, 1_000_000),
            Settings.Int(config["NEGATIVE_CACHE_TTL_S"], "NEGATIVE_CACHE_TTL_S", 5, 0, 3_600),
            DecisionWait)
        {
            FilterListings = ListingFilter(config["LISTING_FILTER"]),
        });
        builder.Services.TryAddSingleton(TimeProvider.System);
        var redisUrl = config["REDIS_URL"];
        if (string.IsNullOrWhiteSpace(redisUrl))
        {
            builder.Services.AddSingleton<IGrantState, InMemoryGrantState>();
            builder.Services.AddSingleton<IReplayWindow, InMemoryReplayWindow>();
            builder.Services.AddSingleton<ISharedRecords, InMemorySharedRecords>();
        }
        else
        {
            // One connection per process, shared by the grant state and the replay window (docs/AUTHORIZATION.md#multi-node-redis).
            builder.Services.AddSingleton(_ => RedisConnection.Connect(redisUrl));
            builder.Services.AddSingleton<IGrantState>(sp => new RedisGrantState(sp.GetRequiredService<RedisConnection>(), sp.GetRequiredService<TimeProvider>()));
            builder.Services.AddSingleton<IReplayWindow>(sp => new RedisReplayWindow(sp.GetRequiredService<RedisConnection>(), sp.GetRequiredService<TimeProvider>()));
            builder.Services.AddSingleton<ISharedRecords>(sp => new RedisSharedRecords(sp.GetRequiredService<RedisConnection>(), sp.GetRequiredService<TimeProvider>()));
            builder.Services.AddHostedService<GrantStateConnection>();
            builder.Services.AddHealthChecks().AddCheck<GrantStateHealthCheck>("grant-state", tags: ["ready"]);
        }
        builder.Services.AddSingleton<ListingFilter>();
        builder.Services.AddSingleton<IPolicyEnforcementPoint, GrantEnforcer>();
        // Authentication and sender binding (docs/AUTHENTICATION.md): the caller, its token, its DPoP key or client certificate.
        var authentication = AuthenticationOptions.From(config);
        builder.Services.AddSingleton(authentication);
        var dpop = DpopOptions.From(config);
        builder.Services.AddSingleton(new TokenRequirements(authentication.EnforceScopes, authentication.RequireSenderBinding, dpop.Algorithms));
        builder.Services.AddSingleton<AccessTokenValidation>();
        builder.Services.AddSingleton(dpop);
        builder.Services.AddSingleton(sp => new DpopNonceIssuer(sp.GetRequiredService<TimeProvider>(), dpop,
            sp.GetRequiredService<TenantContext>().DeriveKey(DpopNonceIssuer.KeyPurpose)));
        builder.Services.AddSingleton<DpopProofValidator>();
        return builder;
    }

    /// <summary>Authentication, DPoP/mTLS binding and proof anti-replay: sets the request's <see cref="Caller"/>.</summary>
    public static IApplicationBuilder UseGrantsModule(this IApplicationBuilder app) =>
        app.UseMiddleware<CallerAuthentication>();

    /// <summary><c>LISTING_FILTER</c>: <c>pdp</c> (default) shows a listing only the entries the caller may see; <c>off</c> shows all.</summary>
    private static bool ListingFilter(string? configured) => configured?.Trim().ToLowerInvariant() switch
    {
        null or "" or "pdp" => true,
        "off" => false,
        _ => throw new InvalidOperationException("LISTING_FILTER must be pdp or off"),
    };
}
