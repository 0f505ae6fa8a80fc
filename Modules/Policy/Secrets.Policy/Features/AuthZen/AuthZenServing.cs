using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;
using Secrets.Shared.Kernel;

namespace Secrets.Policy.Features.AuthZen;

/// <summary>
/// What the AuthZEN endpoints share: the "served?" check, the caller's authentication and scope, reading
/// their own bodies, and the PDP identifier. The order is: 404 when not served, 401/403 for the caller,
/// 400 for the content type and the body. <c>X-Request-ID</c> comes back on every answer, whoever writes
/// it (the host's request pipeline, AuthZEN 1.0 §10.1.3).
/// </summary>
internal static class AuthZenServing
{
    public const string WellKnownPath = "/.well-known/authzen-configuration";

    /// <summary>AuthZEN 1.0 §11.5 (I-JSON): a member given twice makes the body unreadable, never "the last one wins".</summary>
    public static readonly JsonDocumentOptions Strict = new() { AllowDuplicateProperties = false };

    /// <summary>
    /// The OpenAPI description of an AuthZEN endpoint: a JSON request and a JSON answer. The request is declared as
    /// <c>application/json</c> and <c>*/*</c> so that routing hands any content type to the endpoint (it would answer a
    /// bare 415 otherwise): <see cref="ReadAsync"/> checks it and answers 400, as the AuthZEN certification expects.
    /// </summary>
    public static void Describe<TRequest, TResponse>(RouteHandlerBuilder builder)
        where TRequest : notnull
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Accepts<TRequest>("application/json", "*/*").Produces<TResponse>(200, "application/json");
    }

    /// <summary>Not served (another PDP is configured, or the endpoints are off) is 404 NOT_FOUND, as for an unknown route.</summary>
    public static AuthZenEndpointsOptions Served(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return http.RequestServices.GetService<AuthZenEndpointsOptions>() is { Enabled: true } options
            ? options
            : throw new SecretsProblem(ErrorCode.NotFound);
    }

    /// <summary>
    /// Served, and the caller may ask (AuthZEN 1.0 §11.2): with <c>AUTHZEN_REQUIRED_SCOPE</c> a caller without an
    /// accepted access token is 401 UNAUTHENTICATED with the Bearer and DPoP challenges, one whose token lacks the
    /// scope 403 INSUFFICIENT_SCOPE with the <c>insufficient_scope</c> challenge naming it.
    /// </summary>
    public static AuthZenEndpointsOptions Require(HttpContext http)
    {
        var options = Served(http);
        if (options.RequiredScope is not { } scope)
            return options;
        var caller = http.Features.Get<Caller>() ?? Caller.Anonymous(http.TraceIdentifier);
        var token = http.RequestServices.GetRequiredService<TokenRequirements>();
        if (!caller.IsAuthenticated)
            throw new SecretsProblem(ErrorCode.Unauthenticated)
            {
                Headers =
                [
                    new(Challenges.Header, Challenges.For(Challenges.Bearer, token.DpopAlgorithms, null, null)),
                    new(Challenges.Header, Challenges.For(Challenges.Dpop, token.DpopAlgorithms, null, null)),
                ],
            };
        (token with { EnforceScopes = true }).DemandScope(caller, scope);
        return options;
    }

    /// <summary>
    /// The body as one JSON object, with our own reader, not the host's: AuthZEN allows members beyond the ones we
    /// map. A content type other than <c>application/json</c> (charset utf-8 or none) is 400 INVALID_REQUEST, as
    /// the AuthZEN certification expects (not the 415 of the other endpoints); so is unreadable JSON, a duplicated
    /// member, an empty body or a top level that is not an object.
    /// </summary>
    public static async Task<JsonDocument> ReadAsync(HttpContext http, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (!IsJson(http.Request.ContentType))
            throw new SecretsProblem(ErrorCode.InvalidRequest, detail: "send Content-Type: application/json");
        JsonDocument body;
        try
        {
            body = await JsonDocument.ParseAsync(http.Request.Body, Strict, ct);
        }
        catch (JsonException)
        {
            throw new SecretsProblem(ErrorCode.InvalidRequest, detail: "the body is not JSON, or repeats a member");
        }
        if (!JsonStrings.AreWellFormed(body.RootElement))
        {
            body.Dispose();
            throw new SecretsProblem(ErrorCode.InvalidRequest, detail: "the body is not JSON, or repeats a member");   // a string that is not UTF-8 text
        }
        if (body.RootElement.ValueKind == JsonValueKind.Object)
            return body;
        body.Dispose();
        throw new SecretsProblem(ErrorCode.InvalidRequest, detail: "the body is not a JSON object");
    }

    /// <summary>
    /// The PDP identifier (AuthZEN 1.0 §9.1.1): <c>SECRETS_PUBLIC_BASE_URL</c>, or the request's host and path
    /// base, with the https scheme outside dev; without a trailing slash.
    /// </summary>
    public static string Identifier(HttpContext http, AuthZenEndpointsOptions options)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        if (options.PublicBaseUrl is { } configured)
            return configured.AbsoluteUri.TrimEnd('/');
        var scheme = options.AllowHttp ? http.Request.Scheme : Uri.UriSchemeHttps;
        return $"{scheme}://{http.Request.Host}{http.Request.PathBase}".TrimEnd('/');
    }

    private static bool IsJson(string? contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var media)
        && media.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
        && (Microsoft.Extensions.Primitives.StringSegment.IsNullOrEmpty(media.Charset) || media.Charset.Equals("utf-8", StringComparison.OrdinalIgnoreCase));
}
