using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Secrets.Policy.AuthZen;
using Secrets.Shared.Kernel;

namespace Secrets.Policy.Features.AuthZen;

/// <summary>What the three AuthZEN endpoints share: the "served?" check and reading their own bodies.</summary>
internal static class AuthZenServing
{
    private const int MaxRequestIdLength = 256;

    /// <summary>Not served (another PDP is configured, or the endpoints are off) is 404 NOT_FOUND, as for an unknown route.</summary>
    public static AuthZenEndpointsOptions Require(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.RequestServices.GetService<AuthZenEndpointsOptions>() is not { Enabled: true } options)
            throw new SecretsProblem(ErrorCode.NotFound);
        // AuthZEN request identification: the PEP's X-Request-ID comes back on the answer
        if (http.Request.Headers[AuthZenPdpClient.RequestIdHeader] is [{ Length: > 0 and <= MaxRequestIdLength } requestId])
            http.Response.Headers[AuthZenPdpClient.RequestIdHeader] = requestId;
        return options;
    }

    /// <summary>
    /// The body with our own serializer context, not the host's: AuthZEN allows members beyond the
    /// ones we map (in properties, context, options), which the host's serializer would refuse.
    /// Unreadable JSON, a wrong type or a JSON null is 400 INVALID_REQUEST.
    /// </summary>
    public static async Task<T> ReadAsync<T>(HttpContext http, JsonTypeInfo<T> type, CancellationToken ct)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(http);
        try
        {
            return await JsonSerializer.DeserializeAsync(http.Request.Body, type, ct) ?? throw new SecretsProblem(ErrorCode.InvalidRequest);
        }
        catch (JsonException)
        {
            throw new SecretsProblem(ErrorCode.InvalidRequest);
        }
    }

    /// <summary>The PDP's base URL as callers reach it: <c>SECRETS_PUBLIC_BASE_URL</c>, or the request's scheme, host and path base.</summary>
    public static string BaseUrl(HttpContext http, AuthZenEndpointsOptions options)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(options);
        var configured = options.PublicBaseUrl?.AbsoluteUri;
        return (configured ?? $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}").TrimEnd('/');
    }
}
