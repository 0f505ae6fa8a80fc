using System.Net.Http.Json;
using System.Text.Json.Serialization;

namespace Secrets.Client.Authentication;

/// <summary>
/// OAuth 2.0 client credentials (RFC 6749 §4.4) against a token endpoint: the token is kept until shortly before it
/// expires (<see cref="RefreshBefore"/>) and then fetched again; concurrent callers share one fetch. The client
/// secret and the token are never logged or put in an exception.
/// </summary>
public sealed class ClientCredentialsTokenSource : ISecretsTokenSource, IDisposable
{
    private readonly HttpClient http;
    private readonly Uri tokenEndpoint;
    private readonly string clientId;
    private readonly string clientSecret;
    private readonly string? scope;
    private readonly TimeProvider time;
    private readonly SemaphoreSlim fetching = new(1, 1);
    private (string Token, DateTimeOffset RefreshAt)? current;

    public ClientCredentialsTokenSource(HttpClient http, Uri tokenEndpoint, string clientId, string clientSecret, string? scope = null, TimeProvider? time = null)
    {
        this.http = http ?? throw new ArgumentNullException(nameof(http));
        this.tokenEndpoint = tokenEndpoint ?? throw new ArgumentNullException(nameof(tokenEndpoint));
        this.clientId = clientId ?? throw new ArgumentNullException(nameof(clientId));
        this.clientSecret = clientSecret ?? throw new ArgumentNullException(nameof(clientSecret));
        this.scope = scope;
        this.time = time ?? TimeProvider.System;
    }

    /// <summary>How long before its expiry a token is replaced.</summary>
    public TimeSpan RefreshBefore { get; init; } = TimeSpan.FromSeconds(30);

    public async ValueTask<string?> GetTokenAsync(CancellationToken ct)
    {
        if (current is { } held && time.GetUtcNow() < held.RefreshAt)
            return held.Token;
        await fetching.WaitAsync(ct);
        try
        {
            if (current is { } fresh && time.GetUtcNow() < fresh.RefreshAt)
                return fresh.Token;
            var form = new Dictionary<string, string> { ["grant_type"] = "client_credentials", ["client_id"] = clientId, ["client_secret"] = clientSecret };
            if (scope is not null)
                form["scope"] = scope;
            using var response = await http.PostAsync(tokenEndpoint, new FormUrlEncodedContent(form), ct);
            if (!response.IsSuccessStatusCode)
                throw new SecretsApiException(response.StatusCode, "TOKEN_ENDPOINT_REFUSED", null, "the token endpoint refused the client credentials", null);
            var answer = await response.Content.ReadFromJsonAsync<TokenAnswer>(ct)
                ?? throw new SecretsApiException(response.StatusCode, "TOKEN_ENDPOINT_REFUSED", null, "the token endpoint answered no token", null);
            if (string.IsNullOrEmpty(answer.AccessToken))
                throw new SecretsApiException(response.StatusCode, "TOKEN_ENDPOINT_REFUSED", null, "the token endpoint answered no token", null);
            var lifetime = TimeSpan.FromSeconds(answer.ExpiresIn is > 0 and var s ? s : 300);
            current = (answer.AccessToken, time.GetUtcNow() + (lifetime > RefreshBefore * 2 ? lifetime - RefreshBefore : lifetime / 2));
            return answer.AccessToken;
        }
        finally
        {
            fetching.Release();
        }
    }

    public void Dispose() => fetching.Dispose();

    private sealed record TokenAnswer(
        [property: JsonPropertyName("access_token")] string? AccessToken,
        [property: JsonPropertyName("expires_in")] int? ExpiresIn);
}
