using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace Secrets.Grants.Authentication;

/// <summary>
/// Bearer JWT validation (SPEC §6) with ASP.NET Core's JwtBearer handler, called by
/// <see cref="CallerAuthentication"/> for the token it took from the request: signature against the
/// issuer's keys (discovery + JWKS with key rollover, or a JWKS file or URL), an allowed asymmetric
/// <c>alg</c>, <c>typ</c>, issuer compared exactly, lifetime with <c>exp</c> required and a small skew,
/// and the audience, which must include <c>SECRETS_AUDIENCE</c> whenever <c>aud</c> is present. Claims stay
/// as issued (no inbound claim mapping).
/// </summary>
internal static class AccessTokenValidation
{
    public const string Scheme = "secrets-jwt";
    private const string ValidatedItem = "secrets.validated_token";

    /// <summary>Keys are fetched again at most this often when a token names a key we do not have (rollover).</summary>
    private static readonly TimeSpan RefreshOnUnknownKey = TimeSpan.FromSeconds(30);

    public static void Register(IServiceCollection services, AuthenticationOptions options)
    {
        services.AddAuthentication().AddJwtBearer(Scheme, jwt =>
        {
            jwt.MapInboundClaims = false;
            jwt.SaveToken = false;
            jwt.IncludeErrorDetails = false;
            jwt.RefreshInterval = RefreshOnUnknownKey;
            jwt.TokenHandlers.Clear();
            jwt.TokenHandlers.Add(new JsonWebTokenHandler { MapInboundClaims = false, MaximumTokenSizeInBytes = AuthenticationOptions.MaxTokenLength });
            jwt.TokenValidationParameters = Parameters(options);
            jwt.ConfigurationManager = KeySource(options);
            jwt.Events = new JwtBearerEvents
            {
                // The handler runs once per request (ASP.NET Core's own authentication middleware may run it
                // first, and the result is kept): it reads the token the same way CallerAuthentication does.
                OnMessageReceived = context =>
                {
                    if (!CallerAuthentication.IsAnonymousPath(context.Request.Path)
                        && AccessTokenCredentials.From(context.Request.Headers.Authorization) is { Token: { } token })
                        context.Token = token;
                    else
                        context.NoResult();
                    return Task.CompletedTask;
                },
                OnTokenValidated = context =>
                {
                    context.HttpContext.Items[ValidatedItem] = context.SecurityToken;
                    return Task.CompletedTask;
                },
            };
        });
    }

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

    private static TokenValidationParameters Parameters(AuthenticationOptions options) => new()
    {
        ValidateIssuer = true,
        ValidIssuer = options.Issuer,
        IssuerValidatorUsingConfiguration = ExactIssuer,
        TryAllIssuerSigningKeys = false,   // the token's kid names the key; no other key of the issuer is tried
        ValidateWithLKG = false,
        ValidateAudience = true,
        AudienceValidator = (audiences, _, _) => audiences is null || !audiences.Any() || audiences.Contains(options.Audience, StringComparer.Ordinal),
        ValidateLifetime = true,
        RequireExpirationTime = true,
        ClockSkew = options.ClockSkew,
        RequireSignedTokens = true,
        ValidAlgorithms = options.Algorithms,
        ValidTypes = AuthenticationOptions.TokenTypes,
        ValidateIssuerSigningKey = true,
        NameClaimType = "sub",
        RoleClaimType = "roles",
    };

    /// <summary>
    /// The issuer is compared exactly (SPEC §6), no trailing-slash or case tolerance, with
    /// <c>OIDC_ISSUER</c> or else the issuer the authority's discovery document names.
    /// </summary>
    private static string ExactIssuer(string issuer, SecurityToken token, TokenValidationParameters parameters, BaseConfiguration? configuration)
    {
        var expected = parameters.ValidIssuer ?? configuration?.Issuer;
        if (issuer is { Length: > 0 } && string.Equals(expected, issuer, StringComparison.Ordinal))
            return issuer;
        throw new SecurityTokenInvalidIssuerException("the token's issuer is not the configured one");
    }

    /// <summary>The validated token of this request, or why there is none.</summary>
    public static async Task<(JsonWebToken? Token, Exception? Failure)> ValidateAsync(HttpContext http)
    {
        var result = await http.AuthenticateAsync(Scheme);
        if (result.Succeeded && http.Items[ValidatedItem] is JsonWebToken validated)
            return (validated, null);
        return (null, result.Failure ?? new SecurityTokenException("the token was not validated"));
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
