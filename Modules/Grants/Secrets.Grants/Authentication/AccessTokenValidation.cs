using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Secrets.Grants.Authentication;

/// <summary>
/// Bearer JWT validation (docs/AUTHENTICATION.md) with IdentityModel's <see cref="JsonWebTokenHandler"/>,
/// called by <see cref="CallerAuthentication"/> for the token it took from the request: signature against
/// the issuer's keys (discovery + JWKS with key rollover, or a JWKS file or URL), an allowed asymmetric
/// <c>alg</c>, <c>typ</c>, issuer compared exactly, lifetime with <c>exp</c> required and a small skew, and
/// the audience, which must include <c>SECRETS_AUDIENCE</c> whenever <c>aud</c> is present. Claims stay as
/// issued (no inbound claim mapping).
/// <para>
/// A token that passed is remembered, by its SHA-256, with the key set it was checked against: the same
/// token again (a client reuses its token until it expires) costs a hash and a lookup instead of a
/// signature check. Its lifetime is checked again on every use; a new key set (rollover, a key the
/// issuer dropped) makes every remembered token be checked afresh.
/// </para>
/// </summary>
internal sealed class AccessTokenValidation
{
    /// <summary>Keys are fetched again at most this often when a token names a key we do not have (rollover).</summary>
    private static readonly TimeSpan RefreshOnUnknownKey = TimeSpan.FromSeconds(30);

    /// <summary>Tokens remembered at most; past it the memory starts again (a flood of distinct tokens cannot grow it).</summary>
    internal const int MaxRemembered = 10_000;

    private readonly JsonWebTokenHandler handler = new() { MapInboundClaims = false, MaximumTokenSizeInBytes = AuthenticationOptions.MaxTokenLength };
    private readonly ConfigurationManager<OpenIdConnectConfiguration>? keys;
    private readonly TokenValidationParameters parameters;
    private readonly TimeProvider time;
    private readonly TimeSpan skew;
    private readonly ConcurrentDictionary<TokenDigest, Remembered> remembered = new();

    public AccessTokenValidation(AuthenticationOptions options, TimeProvider time)
    {
        keys = KeySource(options);
        parameters = Parameters(options, keys);
        this.time = time;
        skew = options.ClockSkew;
    }

    /// <summary>The validated token, or why there is none.</summary>
    public async Task<(JsonWebToken? Token, Exception? Failure)> ValidateAsync(string token, CancellationToken ct)
    {
        if (keys is null)
            return (null, new SecurityTokenSignatureKeyNotFoundException("no key source is configured"));
        var configuration = await keys.GetConfigurationAsync(ct);
        var digest = TokenDigest.Of(token);
        if (remembered.TryGetValue(digest, out var known) && ReferenceEquals(known.Keys, configuration))
            return StillValid(known.Token) ? (known.Token, null) : (null, Expired(known.Token));

        var result = await handler.ValidateTokenAsync(token, parameters);
        if (!result.IsValid)
        {
            if (result.Exception is SecurityTokenSignatureKeyNotFoundException)
                keys.RequestRefresh();   // a key we do not have yet: fetch the key set again (at most every 30 s)
            return (null, result.Exception ?? new SecurityTokenException("the token is not valid"));
        }
        var validated = (JsonWebToken)result.SecurityToken;
        if (remembered.Count >= MaxRemembered)
            remembered.Clear();
        remembered[digest] = new Remembered(validated, configuration);
        return (validated, null);
    }

    /// <summary>The lifetime checks the handler made, made again for a remembered token (exp is required, so it is set).</summary>
    private bool StillValid(JsonWebToken token)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return token.ValidTo + skew >= now && (token.ValidFrom == DateTime.MinValue || token.ValidFrom - skew <= now);
    }

    private Exception Expired(JsonWebToken token) =>
        token.ValidTo + skew < time.GetUtcNow().UtcDateTime
            ? new SecurityTokenExpiredException("the token has expired")
            : new SecurityTokenNotYetValidException("the token is not valid yet");

    /// <summary>
    /// Where the issuer's keys come from. Keys are fetched again when a token names a key we do not have
    /// (rollover), and a key the issuer dropped is refused at once: no "last known good" fallback.
    /// </summary>
    private static ConfigurationManager<OpenIdConnectConfiguration>? KeySource(AuthenticationOptions options)
    {
        ConfigurationManager<OpenIdConnectConfiguration>? manager = null;
        if (options.Authority is { } authority)
        {
            manager = new(authority.TrimEnd('/') + "/.well-known/openid-configuration", new OpenIdConnectConfigurationRetriever(),
                new HttpDocumentRetriever { RequireHttps = AuthenticationOptions.RequiresHttps(authority) });
        }
        else if (options.JwksUrl is { } url)
        {
            manager = new(url, new JwksRetriever(options.Issuer!), new HttpDocumentRetriever { RequireHttps = AuthenticationOptions.RequiresHttps(url) });
        }
        else if (options.JwksPath is { } path)
        {
            manager = new(Path.GetFullPath(path), new JwksRetriever(options.Issuer!), new FileDocumentRetriever());
        }
        if (manager is not null)
        {
            manager.RefreshInterval = RefreshOnUnknownKey;
            manager.UseLastKnownGoodConfiguration = false;
        }
        return manager;
    }

    private TokenValidationParameters Parameters(AuthenticationOptions options, ConfigurationManager<OpenIdConnectConfiguration>? manager) => new()
    {
        ConfigurationManager = manager,
        ValidateIssuer = true,
        ValidIssuer = options.Issuer,
        IssuerValidatorUsingConfiguration = ExactIssuer,
        TryAllIssuerSigningKeys = false,   // the token's kid names the key; no other key of the issuer is tried
        ValidateWithLKG = false,
        ValidateAudience = true,
        AudienceValidator = (audiences, _, _) => audiences is null || !audiences.Any() || audiences.Contains(options.Audience, StringComparer.Ordinal),
        ValidateLifetime = true,
        LifetimeValidator = Lifetime,
        RequireExpirationTime = true,
        ClockSkew = options.ClockSkew,
        RequireSignedTokens = true,
        ValidAlgorithms = options.Algorithms,
        ValidTypes = AuthenticationOptions.TokenTypes,
        ValidateIssuerSigningKey = true,
        NameClaimType = "sub",
        RoleClaimType = "roles",
    };

    /// <summary>The standard lifetime rules on this service's clock (so tests and remembered tokens agree).</summary>
    private bool Lifetime(DateTime? notBefore, DateTime? expires, SecurityToken token, TokenValidationParameters validation)
    {
        var now = time.GetUtcNow().UtcDateTime;
        if (expires is null)
            throw new SecurityTokenNoExpirationException("the token has no exp");
        if (notBefore is { } nbf && nbf - validation.ClockSkew > now)
            throw new SecurityTokenNotYetValidException("the token is not valid yet");
        if (expires.Value + validation.ClockSkew < now)
            throw new SecurityTokenExpiredException("the token has expired");
        return true;
    }

    /// <summary>
    /// The issuer is compared exactly (docs/AUTHENTICATION.md), no trailing-slash or case tolerance, with
    /// <c>OIDC_ISSUER</c> or else the issuer the authority's discovery document names.
    /// </summary>
    private static string ExactIssuer(string issuer, SecurityToken token, TokenValidationParameters parameters, BaseConfiguration? configuration)
    {
        var expected = parameters.ValidIssuer ?? configuration?.Issuer;
        if (issuer is { Length: > 0 } && string.Equals(expected, issuer, StringComparison.Ordinal))
            return issuer;
        throw new SecurityTokenInvalidIssuerException("the token's issuer is not the configured one");
    }

    /// <summary>A validated token and the key set it was validated against.</summary>
    private sealed record Remembered(JsonWebToken Token, OpenIdConnectConfiguration Keys);

    /// <summary>SHA-256 of a token: what is remembered instead of the token itself.</summary>
    private readonly record struct TokenDigest(ulong A, ulong B, ulong C, ulong D)
    {
        public static TokenDigest Of(string token)
        {
            Span<byte> hash = stackalloc byte[32];
            var max = Encoding.ASCII.GetMaxByteCount(token.Length);
            var bytes = max <= 4096 ? stackalloc byte[max] : new byte[max];
            var n = Encoding.ASCII.GetBytes(token, bytes);
            SHA256.HashData(bytes[..n], hash);
            var words = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, ulong>(hash);
            return new TokenDigest(words[0], words[1], words[2], words[3]);
        }
    }

    /// <summary>A JWKS document (file or URL) as an OpenID configuration with the configured issuer.</summary>
    private sealed class JwksRetriever(string issuer) : IConfigurationRetriever<OpenIdConnectConfiguration>
    {
        public async Task<OpenIdConnectConfiguration> GetConfigurationAsync(string address, IDocumentRetriever retriever, CancellationToken cancel)
        {
            var document = await retriever.GetDocumentAsync(address, cancel);
            var keys = new JsonWebKeySet(document);
            var configuration = new OpenIdConnectConfiguration { Issuer = issuer, JsonWebKeySet = keys };
            foreach (var key in keys.GetSigningKeys())
                configuration.SigningKeys.Add(key);
            return configuration;
        }
    }
}
