using System.Net.Http.Json;
using Microsoft.Extensions.Logging;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Kv.Kv2;

/// <summary>
/// The token this service presents to one KVv2 server: a static token (looked up once to learn its
/// TTL), or an AppRole login. Renews before <c>VAULT_TOKEN_RENEWAL_THRESHOLD</c>; logs in again when
/// a token cannot be renewed, or when a previously good token is refused. Tokens are never logged.
/// </summary>
internal sealed class Kv2TokenSource(Kv2Options options, HttpClient auth, Func<Uri> address, TimeProvider time, ILogger logger) : IDisposable
{
    private readonly SemaphoreSlim gate = new(1, 1);
    private string? token;
    private DateTimeOffset? expiresAt;   // null: never expires (or unknown)
    private bool renewable;

    public void Dispose() => gate.Dispose();

    public async ValueTask<string> GetAsync(CancellationToken ct)
    {
        if (token is { } current && !NeedsRenewal())
            return current;
        await gate.WaitAsync(ct);
        try
        {
            if (token is null)
                await AcquireAsync(ct);
            else if (NeedsRenewal())
                await RenewOrLoginAsync(ct);
            return token!;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// After the server refused <paramref name="refused"/>: one fresh AppRole login, but only when the
    /// token itself is dead (its lookup-self is refused too) — a policy denial on a live token is not
    /// worth a login. Null when there is nothing better to try.
    /// </summary>
    public async Task<string?> ReplaceRefusedAsync(string refused, CancellationToken ct)
    {
        if (!options.UsesAppRole)
            return null;
        await gate.WaitAsync(ct);
        try
        {
            if (token == refused && !await IsAliveAsync(refused, ct))
                await LoginAsync(ct);
            return token == refused ? null : token;
        }
        finally
        {
            gate.Release();
        }
    }

    private async Task<bool> IsAliveAsync(string presented, CancellationToken ct)
    {
        using var request = Request(HttpMethod.Get, "v1/auth/token/lookup-self", presented);
        using var response = await auth.SendAsync(request, ct);
        return response.IsSuccessStatusCode;
    }

    private bool NeedsRenewal() => expiresAt is { } at && at - time.GetUtcNow() <= options.TokenRenewalThreshold;

    private async Task AcquireAsync(CancellationToken ct)
    {
        if (options.UsesAppRole)
        {
            await LoginAsync(ct);
            return;
        }
        token = options.Token;
        try
        {
            using var request = Request(HttpMethod.Get, "v1/auth/token/lookup-self", token!);
            using var response = await auth.SendAsync(request, ct);
            if (response.IsSuccessStatusCode
                && await response.Content.ReadFromJsonAsync(Kv2Json.Default.TokenLookupEnvelope, ct) is { Data: { } data })
                Remember(data.Ttl, data.Renewable);
        }
        catch (Exception ex) when (ex is HttpRequestException or System.Text.Json.JsonException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            logger.LogWarning("token lookup at {Provider} failed ({Error}); using the static token without renewal", options.Scheme, ex.GetType().Name);
        }
    }

    private async Task RenewOrLoginAsync(CancellationToken ct)
    {
        if (renewable)
        {
            try
            {
                using var request = Request(HttpMethod.Post, "v1/auth/token/renew-self", token!);
                request.Content = JsonContent.Create(new Dictionary<string, string>());
                using var response = await auth.SendAsync(request, ct);
                if (response.IsSuccessStatusCode
                    && await response.Content.ReadFromJsonAsync(Kv2Json.Default.AuthEnvelope, ct) is { Auth: { } renewed })
                {
                    if (!string.IsNullOrEmpty(renewed.ClientToken))
                        token = renewed.ClientToken;
                    Remember(renewed.LeaseDuration, renewed.Renewable);
                    return;
                }
                logger.LogWarning("token renewal at {Provider} answered {Status}", options.Scheme, (int)response.StatusCode);
            }
            catch (Exception ex) when (ex is HttpRequestException or System.Text.Json.JsonException
                                       || (ex is OperationCanceledException && !ct.IsCancellationRequested))
            {
                // the current token is still valid: keep using it and try again next time
                logger.LogWarning("token renewal at {Provider} failed ({Error})", options.Scheme, ex.GetType().Name);
                if (!options.UsesAppRole)
                    return;
            }
        }
        if (options.UsesAppRole)
            await LoginAsync(ct);
        else
            expiresAt = null;   // a static token that cannot be renewed: use it until the server refuses it
    }

    private async Task LoginAsync(CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(address(), $"v1/auth/{options.AppRoleMount}/login"))
        {
            Content = JsonContent.Create(new AppRoleLoginRequest(options.RoleId!, options.SecretId!), Kv2Json.Default.AppRoleLoginRequest),
        };
        AddNamespace(request);
        using var response = await auth.SendAsync(request, ct);
        if ((int)response.StatusCode is 429 or 503)
            throw new SecretsProblem(ErrorCode.ProviderUnavailable, Kv2HttpClient.RetryAfter(response));
        AuthData? login = null;
        try
        {
            if (response.IsSuccessStatusCode)
                login = (await response.Content.ReadFromJsonAsync(Kv2Json.Default.AuthEnvelope, ct))?.Auth;
        }
        catch (System.Text.Json.JsonException)
        {
            // a malformed answer is a provider error like any other (its text is not logged)
        }
        if (login is null || string.IsNullOrEmpty(login.ClientToken))
        {
            logger.LogError("AppRole login at {Provider} answered {Status}", options.Scheme, (int)response.StatusCode);
            throw new SecretsProblem(ErrorCode.ProviderError);
        }
        token = login.ClientToken;
        Remember(login.LeaseDuration, login.Renewable);
        logger.LogInformation("logged in to {Provider} with AppRole", options.Scheme);
    }

    private void Remember(long ttlSeconds, bool isRenewable)
    {
        expiresAt = ttlSeconds > 0 ? time.GetUtcNow().AddSeconds(ttlSeconds) : null;
        renewable = isRenewable;
    }

    private HttpRequestMessage Request(HttpMethod method, string path, string presented)
    {
        var request = new HttpRequestMessage(method, new Uri(address(), path));
        request.Headers.Add(Kv2HttpClient.TokenHeader, presented);
        AddNamespace(request);
        return request;
    }

    private void AddNamespace(HttpRequestMessage request)
    {
        if (options.Namespace is { } ns)
            request.Headers.Add(Kv2HttpClient.NamespaceHeader, ns);
    }
}
