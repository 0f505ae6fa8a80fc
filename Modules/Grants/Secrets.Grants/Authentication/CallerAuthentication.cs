using System.Security.Cryptography;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;
using Secrets.Audit.Contracts;
using Secrets.Grants.Binding;
using Secrets.Grants.State;
using Secrets.Shared.Kernel;

namespace Secrets.Grants.Authentication;

/// <summary>
/// Establishes the <see cref="Caller"/> of a request (docs/AUTHENTICATION.md): takes the access token from
/// <c>Authorization: Bearer</c> or <c>Authorization: DPoP</c>, validates it
/// (<see cref="AccessTokenValidation"/>), checks its sender binding — a DPoP proof for <c>cnf.jkt</c>
/// (RFC 9449), the connection's client certificate for <c>cnf.x5t#S256</c> (RFC 8705) — and only then
/// spends the proof's <c>jti</c> in the replay window, so a refused request consumes nothing. Failures
/// are 401 with the RFC 6750 / RFC 9449 challenge. Without a token the caller stays anonymous, unless
/// <c>SECRETS_API_REQUIRE_AUTH=true</c>. Health, metrics, the API documents and well-known documents stay anonymous.
/// </summary>
internal sealed partial class CallerAuthentication(
    RequestDelegate next,
    AuthenticationOptions options,
    DpopProofValidator proofs,
    DpopNonceIssuer nonces,
    IReplayWindow replays,
    AccessTokenValidation tokens,
    IAuditTrail audit,
    TimeProvider time,
    ILogger<CallerAuthentication> log)
{
    public async Task InvokeAsync(HttpContext http)
    {
        if (IsAnonymousPath(http.Request.Path))
        {
            await next(http);
            return;
        }
        var authorization = http.Request.Headers.Authorization;
        if (authorization.Count == 0)
        {
            if (options.RequireAuth)
                throw Refuse(ErrorCode.Unauthenticated, Challenges.Bearer, null, null, withDpopChallenge: true);
            await next(http);
            return;
        }
        var caller = await AuthenticateAsync(http, authorization);
        http.Features.Set(caller);
        await next(http);
    }

    private async Task<Caller> AuthenticateAsync(HttpContext http, Microsoft.Extensions.Primitives.StringValues authorization)
    {
        if (authorization.Count > 1)
            throw Refuse(ErrorCode.InvalidRequest, Challenges.Bearer, "invalid_request", "send one Authorization header");
        var (scheme, token) = AccessTokenCredentials.From(authorization)!;
        if (scheme is null)
            throw Refuse(ErrorCode.InvalidRequest, Challenges.Bearer, "invalid_request", "use the Bearer or DPoP scheme");
        if (token is null)
            throw Refuse(ErrorCode.InvalidToken, scheme, "invalid_token", "the access token is missing or malformed");

        var (validated, failure) = await tokens.ValidateAsync(token, http.RequestAborted);
        if (validated is null)
        {
            LogRefused(log, FailureKind(failure));
            throw Refuse(ErrorCode.InvalidToken, scheme, "invalid_token", Describe(failure));
        }
        var claims = TokenClaims.Read(validated);
        if (claims.Problem is { } problem)
            throw Refuse(ErrorCode.InvalidToken, scheme, "invalid_token", problem);

        SenderBinding? binding = null;
        DpopProof? proof = null;
        if (claims.Jkt is { } jkt)
        {
            if (scheme != Challenges.Dpop)
                throw Refuse(ErrorCode.InvalidToken, Challenges.Dpop, "invalid_token", "a DPoP-bound token must be sent with the DPoP scheme and a proof");
            var result = proofs.Validate(new DpopProofRequest(http.Request.Method, RequestUrl(http), [.. http.Request.Headers["DPoP"]], token, jkt));
            if (!result.IsValid)
            {
                var code = result.Failure.NeedsNonce ? ErrorCode.UseDpopNonce
                    : result.Failure.IsKeyBinding ? ErrorCode.InvalidToken   // RFC 9449 §7.1: the token's key binding, not the proof, failed
                    : ErrorCode.InvalidDpopProof;
                throw new SecretsProblem(code, detail: result.Failure.Description)
                {
                    Headers = result.Failure.NeedsNonce
                        ? [new(Challenges.Header, result.Failure.WwwAuthenticate(proofs.Options.Algorithms)), new(DpopNonceIssuer.HeaderName, nonces.Issue())]
                        : [new(Challenges.Header, result.Failure.WwwAuthenticate(proofs.Options.Algorithms))],
                };
            }
            proof = result.Proof;
            binding = new SenderBinding(SenderBindingKind.Dpop, jkt);
        }
        else if (scheme == Challenges.Dpop)
        {
            throw Refuse(ErrorCode.InvalidToken, Challenges.Dpop, "invalid_token", "the token is not DPoP-bound; send it with the Bearer scheme");
        }
        if (claims.X5t is { } x5t)
        {
            var certificate = await http.Connection.GetClientCertificateAsync(http.RequestAborted);
            if (certificate is null)
                throw Refuse(ErrorCode.InvalidToken, scheme, "invalid_token", "the token is bound to a client certificate the connection did not present");
            var presented = Base64UrlStrict.Encode(SHA256.HashData(certificate.RawData));
            if (!CryptographicOperations.FixedTimeEquals(System.Text.Encoding.ASCII.GetBytes(presented), System.Text.Encoding.ASCII.GetBytes(x5t)))
                throw Refuse(ErrorCode.InvalidToken, scheme, "invalid_token", "the client certificate is not the one the token is bound to");
            binding = new SenderBinding(SenderBindingKind.Mtls, x5t);
        }

        var caller = claims.ToCaller(binding, http.TraceIdentifier);
        if (proof is not null)
        {
            // Everything else passed: only now is the proof's jti spent (docs/AUTHENTICATION.md#anti-replay).
            bool claimed;
            try
            {
                claimed = await replays.TryClaimAsync(ReplayId.ForDpopProof(proof.Thumbprint, proof.Jti), time.GetUtcNow() + proofs.Options.ReplayHold, http.RequestAborted);
            }
            catch (GrantStateUnavailableException ex)
            {
                LogReplayWindowUnavailable(log, ex.Message);
                throw GrantStateUnavailableException.Problem();   // fail closed: 503, never an unchecked proof
            }
            if (!claimed)
            {
                // refused before any operation on a secret: authentication writes this one record itself
                await audit.WriteDurablyAsync(AuditRecord.Create(AuditType.ReplayDenied, AuditEffect.Deny, null, null, caller, null, null, ErrorCode.ReplayDenied.Value), http.RequestAborted);
                throw Refuse(ErrorCode.ReplayDenied, Challenges.Dpop, "invalid_token", "the DPoP proof was already used");
            }
        }
        return caller;
    }

    /// <summary><c>htu</c> is compared with the URL as received, or <c>SECRETS_PUBLIC_BASE_URL</c> + path behind a proxy.</summary>
    private string RequestUrl(HttpContext http) => options.PublicBaseUrl is { } publicBase
        ? publicBase.GetLeftPart(UriPartial.Path).TrimEnd('/') + (http.Request.PathBase + http.Request.Path).ToUriComponent()
        : UriHelper.BuildAbsolute(http.Request.Scheme, http.Request.Host, http.Request.PathBase, http.Request.Path);

    private SecretsProblem Refuse(ErrorCode code, string scheme, string? error, string? description, bool withDpopChallenge = false)
    {
        List<KeyValuePair<string, string>> headers = [new(Challenges.Header, Challenges.For(scheme, proofs.Options.Algorithms, error, description))];
        if (withDpopChallenge)
            headers.Add(new(Challenges.Header, DpopChallenge.Build(proofs.Options.Algorithms)));
        return new SecretsProblem(code, detail: description ?? code.Detail) { Headers = headers };
    }

    /// <summary>One fixed sentence per kind of failure: never the token or the library's message.</summary>
    private static string Describe(Exception? failure) => failure switch
    {
        SecurityTokenExpiredException => "the token has expired",
        SecurityTokenNotYetValidException => "the token is not valid yet",
        SecurityTokenNoExpirationException => "the token has no exp",
        SecurityTokenInvalidIssuerException => "the token's issuer is not accepted",
        SecurityTokenInvalidAudienceException => "the token's audience does not include this service",
        SecurityTokenInvalidAlgorithmException => "the token's alg is not allowed",
        SecurityTokenInvalidTypeException => "the token's typ is not at+jwt or JWT",
        SecurityTokenSignatureKeyNotFoundException => "the token is not signed by a known key",
        SecurityTokenInvalidSignatureException => "the token's signature is invalid",
        SecurityTokenMalformedException or ArgumentException => "the token is malformed",
        _ => "the token is not valid",
    };

    private static string FailureKind(Exception? failure) => failure?.GetType().Name ?? "none";

    public static bool IsAnonymousPath(PathString path) => AnonymousPaths.Contains(path.Value);

    [LoggerMessage(Level = LogLevel.Error, Message = "Replay window unavailable, refusing the DPoP proof: {Reason}")]
    private static partial void LogReplayWindowUnavailable(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "access token refused: {FailureKind}")]
    private static partial void LogRefused(ILogger logger, string failureKind);
}
