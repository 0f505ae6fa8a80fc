using Microsoft.Extensions.Configuration;
using Secrets.Shared.Kernel;

namespace Secrets.Grants.Authentication;

/// <summary>
/// How callers are authenticated (docs/AUTHENTICATION.md), bound from the documented variables (docs/CONFIGURATION.md):
/// <c>SECRETS_API_REQUIRE_AUTH</c> and <c>SECRETS_ENFORCE_SCOPES</c> (dev/test false, prod true), <c>SECRETS_REQUIRE_SENDER_BINDING</c>
/// (prod true), <c>TOKEN_REPLAY_GUARD</c> (true), <c>SECRETS_AUDIENCE</c> (<c>crud.secrets</c>), the key
/// source (<c>OIDC_AUTHORITY</c>, or <c>OIDC_ISSUER</c> with <c>OIDC_JWKS_PATH</c> or <c>OIDC_JWKS_URL</c>),
/// <c>OIDC_SIGNING_ALGS</c>, <c>OIDC_CLOCK_SKEW_S</c> (30) and <c>SECRETS_PUBLIC_BASE_URL</c> (the
/// <c>htu</c> base behind a proxy).
/// </summary>
internal sealed record AuthenticationOptions
{
    public static readonly IReadOnlyList<string> SupportedTokenAlgorithms =
        ["RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512"];

    /// <summary>Access token <c>typ</c> values accepted (RFC 9068 and plain JWT).</summary>
    public static readonly IReadOnlyList<string> TokenTypes = ["at+jwt", "application/at+jwt", "JWT"];

    /// <summary>Longer <c>Authorization</c> values are refused before any parsing.</summary>
    public const int MaxTokenLength = 8 * 1024;

    public bool RequireAuth { get; init; }
    public bool EnforceScopes { get; init; }
    public bool RequireSenderBinding { get; init; }
    public bool TokenReplayGuard { get; init; } = true;
    public string Audience { get; init; } = "crud.secrets";
    public string? Authority { get; init; }
    public string? Issuer { get; init; }
    public string? JwksPath { get; init; }
    public string? JwksUrl { get; init; }
    public IReadOnlyList<string> Algorithms { get; init; } = SupportedTokenAlgorithms;
    public TimeSpan ClockSkew { get; init; } = TimeSpan.FromSeconds(30);
    public Uri? PublicBaseUrl { get; init; }

    /// <summary>Whether a key source is configured; without one every presented token is refused.</summary>
    public bool HasKeySource => Authority is not null || JwksPath is not null || JwksUrl is not null;

    public static AuthenticationOptions From(IConfiguration config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var profile = DeploymentProfiles.Parse(config["ENVIRONMENT"]);
        var prod = profile == DeploymentProfile.Prod;
        var algorithms = Settings.Csv(config["OIDC_SIGNING_ALGS"], SupportedTokenAlgorithms);
        if (algorithms.Count == 0 || algorithms.Any(a => !SupportedTokenAlgorithms.Contains(a, StringComparer.Ordinal)))
            throw new InvalidOperationException($"OIDC_SIGNING_ALGS must be a comma-separated subset of {string.Join(", ", SupportedTokenAlgorithms)}");
        var options = new AuthenticationOptions
        {
            RequireAuth = Settings.Bool(config["SECRETS_API_REQUIRE_AUTH"], "SECRETS_API_REQUIRE_AUTH", prod),
            EnforceScopes = Settings.Bool(config["SECRETS_ENFORCE_SCOPES"], "SECRETS_ENFORCE_SCOPES", prod),
            RequireSenderBinding = Settings.Bool(config["SECRETS_REQUIRE_SENDER_BINDING"], "SECRETS_REQUIRE_SENDER_BINDING", prod),
            TokenReplayGuard = Settings.Bool(config["TOKEN_REPLAY_GUARD"], "TOKEN_REPLAY_GUARD", true),
            Audience = Set(config["SECRETS_AUDIENCE"]) ?? "crud.secrets",
            Authority = Set(config["OIDC_AUTHORITY"]),
            Issuer = Set(config["OIDC_ISSUER"]),
            JwksPath = Set(config["OIDC_JWKS_PATH"]),
            JwksUrl = Set(config["OIDC_JWKS_URL"]),
            Algorithms = algorithms.Distinct(StringComparer.Ordinal).ToArray(),
            ClockSkew = TimeSpan.FromSeconds(Settings.Int(config["OIDC_CLOCK_SKEW_S"], "OIDC_CLOCK_SKEW_S", 30, 0, 300)),
            PublicBaseUrl = Settings.HttpUrl(config["SECRETS_PUBLIC_BASE_URL"], "SECRETS_PUBLIC_BASE_URL"),
        };
        options.Check(prod && !Settings.Bool(config["ALLOW_UNSAFE_CONFIGURATION"], "ALLOW_UNSAFE_CONFIGURATION", false));
        return options;
    }

    private void Check(bool strict)
    {
        if ((JwksPath is not null || JwksUrl is not null) && Issuer is null)
            throw new InvalidOperationException("OIDC_JWKS_PATH and OIDC_JWKS_URL need OIDC_ISSUER: the issuer tokens must carry");
        if (new[] { Authority, JwksPath, JwksUrl }.Count(s => s is not null) > 1)
            throw new InvalidOperationException("set one key source: OIDC_AUTHORITY, OIDC_JWKS_PATH or OIDC_JWKS_URL");
        if (Authority is not null && !Uri.TryCreate(Authority, UriKind.Absolute, out _))
            throw new InvalidOperationException("OIDC_AUTHORITY must be an absolute URL");
        if (JwksUrl is not null && !Uri.TryCreate(JwksUrl, UriKind.Absolute, out _))
            throw new InvalidOperationException("OIDC_JWKS_URL must be an absolute URL");
        if (RequireAuth && !HasKeySource)
            throw new InvalidOperationException("SECRETS_API_REQUIRE_AUTH=true needs a key source: OIDC_AUTHORITY, or OIDC_ISSUER with OIDC_JWKS_PATH or OIDC_JWKS_URL");
        if (strict && !RequireAuth)
            throw new InvalidOperationException("ENVIRONMENT=prod refuses SECRETS_API_REQUIRE_AUTH=false: every caller must authenticate");
        if (strict && !EnforceScopes)
            throw new InvalidOperationException("ENVIRONMENT=prod refuses SECRETS_ENFORCE_SCOPES=false: every operation needs its scope");
    }

    /// <summary>Metadata and keys over plain HTTP only from this machine (a local issuer in development and tests).</summary>
    public static bool RequiresHttps(string url) =>
        !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.IsLoopback);

    private static string? Set(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
