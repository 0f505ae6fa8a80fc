using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Polly.CircuitBreaker;
using Polly.Timeout;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Kv.Kv2;

/// <summary>
/// A typed client for the KVv2 HTTP API of OpenBao and HashiCorp Vault, as OpenBao answers it
/// (docs/CONFORMANCE.md).
/// It owns everything slices must never see: the token (and one re-login when a good token is
/// refused), the namespace header, the bulkhead (<c>VAULT_MAX_CONCURRENT_OPERATIONS</c>: excess
/// waits, then 503), and the mapping of provider answers to typed problems. Retries, timeouts and
/// the circuit breaker sit in the resilience handler of its HttpClient; redirects (standby nodes)
/// are followed by the primary handler.
/// </summary>
internal sealed class Kv2HttpClient(HttpClient http, Kv2TokenSource tokens, Kv2Options options, Func<Uri> address, ILogger logger) : IDisposable
{
    public const string TokenHeader = "X-Vault-Token";
    public const string NamespaceHeader = "X-Vault-Namespace";

    // OpenBao's check-and-set answers (kv/path_data.go validateCheckAndSetOption, kv/path_metadata.go): each its own meaning
    private const string CasDidNotMatch = "check-and-set parameter did not match the current version";
    private const string CasRequiredForCall = "check-and-set parameter required for this call";
    private const string MetadataCasRequiredForCall = "metadata check-and-set parameter required for this call";
    private const string MetadataCasDidNotMatch = "metadata check-and-set parameter does not match the current version";
    private const string MetadataCasNotZeroOnCreate = "metadata_cas must be 0 when creating new metadata";
    private static readonly TimeSpan DefaultRetryAfter = TimeSpan.FromSeconds(1);
    private readonly SemaphoreSlim bulkhead = new(options.MaxConcurrentOperations, options.MaxConcurrentOperations);

    public string Scheme => options.Scheme;

    public void Dispose() => bulkhead.Dispose();

    /// <summary>The data at a version: 200 → data; 404 with metadata → deleted/destroyed (Data null); plain 404 → null.</summary>
    public async Task<KvReadData?> ReadAsync(string mount, string path, int? version, CancellationToken ct)
    {
        var query = version is null ? "" : "?version=" + version.Value.ToString(CultureInfo.InvariantCulture);
        using var response = await SendAsync(HttpMethod.Get, Url(mount, "data", path) + query, null, ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            var body = await TryReadAsync(response, Kv2Json.Default.KvReadEnvelope, ct);
            return body?.Data?.Metadata is { } metadata ? new KvReadData(null, metadata) : null;
        }
        await EnsureSuccessAsync(response, ct);
        return (await ReadAsync(response, Kv2Json.Default.KvReadEnvelope, ct)).Data ?? throw Malformed();
    }

    public async Task<KvVersionMetadata> WriteAsync(string mount, string path, Dictionary<string, JsonNode?> data, int? cas, CancellationToken ct)
    {
        var body = Json(new KvWriteRequest(data, cas is null ? null : new KvWriteOptions(cas.Value)), Kv2Json.Default.KvWriteRequest);
        using var response = await SendAsync(HttpMethod.Post, Url(mount, "data", path), body, ct);
        await EnsureSuccessAsync(response, ct);
        return (await ReadAsync(response, Kv2Json.Default.KvWriteEnvelope, ct)).Data ?? throw Malformed();
    }

    public Task DeleteLatestAsync(string mount, string path, CancellationToken ct) =>
        SendExpectingNoBodyAsync(HttpMethod.Delete, Url(mount, "data", path), null, ct);

    public Task DeleteVersionsAsync(string mount, string path, IReadOnlyList<int> versions, CancellationToken ct) =>
        SendExpectingNoBodyAsync(HttpMethod.Post, Url(mount, "delete", path), Versions(versions), ct);

    public Task UndeleteAsync(string mount, string path, IReadOnlyList<int> versions, CancellationToken ct) =>
        SendExpectingNoBodyAsync(HttpMethod.Post, Url(mount, "undelete", path), Versions(versions), ct);

    public Task DestroyAsync(string mount, string path, IReadOnlyList<int> versions, CancellationToken ct) =>
        SendExpectingNoBodyAsync(HttpMethod.Post, Url(mount, "destroy", path), Versions(versions), ct);

    public Task DeleteMetadataAsync(string mount, string path, CancellationToken ct) =>
        SendExpectingNoBodyAsync(HttpMethod.Delete, Url(mount, "metadata", path), null, ct);

    public async Task<KvMetadataData?> ReadMetadataAsync(string mount, string path, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Get, Url(mount, "metadata", path), null, ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
            return null;
        await EnsureSuccessAsync(response, ct);
        return (await ReadAsync(response, Kv2Json.Default.KvMetadataEnvelope, ct)).Data ?? throw Malformed();
    }

    /// <summary>
    /// Replaces the custom metadata. With <paramref name="metadataCas"/> (OpenBao 2.4 on) only if that is still the
    /// key's metadata count (0: only if the key has no metadata yet). The check-and-set answers come back as a
    /// <see cref="MetadataWrite"/>, any other refusal as the usual problem.
    /// </summary>
    public async Task<MetadataWrite> WriteCustomMetadataAsync(string mount, string path, IReadOnlyDictionary<string, string> custom, long? metadataCas, CancellationToken ct)
    {
        var body = Json(new KvCustomMetadataRequest(custom, metadataCas), Kv2Json.Default.KvCustomMetadataRequest);
        using var response = await SendAsync(HttpMethod.Post, Url(mount, "metadata", path), body, ct);
        if ((int)response.StatusCode == 400 && await SingleErrorAsync(response, ct) is { } error)
        {
            switch (error)
            {
                case MetadataCasRequiredForCall:
                    return MetadataWrite.CasRequired;
                case MetadataCasDidNotMatch or MetadataCasNotZeroOnCreate:
                    return MetadataWrite.CasConflict;
            }
        }
        await EnsureSuccessAsync(response, ct);
        return MetadataWrite.Written;
    }

    /// <summary>
    /// LIST one level below a folder (as GET …?list=true); a missing folder is empty. On OpenBao an ACL policy's
    /// <c>pagination_limit</c> cuts a listing short without saying so, so the OpenBao client asks again after the last
    /// name (<c>after</c>) until a page brings nothing new. A server that ignores <c>after</c> sends the same names
    /// again, and they end the listing too.
    /// </summary>
    public async Task<IReadOnlyList<string>> ListAsync(string mount, string path, CancellationToken ct)
    {
        var url = Url(mount, "metadata", path) + (path.Length == 0 ? "" : "/") + "?list=true";
        var names = new List<string>();
        string? after = null;
        while (true)
        {
            var page = await ListPageAsync(after is null ? url : url + "&after=" + Uri.EscapeDataString(after), ct);
            var fresh = after is null ? page : page.Where(name => string.CompareOrdinal(name, after) > 0).ToList();
            if (fresh.Count == 0)
                return names;
            names.AddRange(fresh);
            if (!options.PagesListings)
                return names;
            after = fresh[^1];
        }
    }

    private async Task<IReadOnlyList<string>> ListPageAsync(string url, CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Get, url, null, ct);
        if (response.StatusCode == HttpStatusCode.NotFound)
            return [];
        await EnsureSuccessAsync(response, ct);
        return (await ReadAsync(response, Kv2Json.Default.KvListEnvelope, ct)).Data?.Keys ?? throw Malformed();
    }

    /// <summary>sys/health: active or standby (429) is ready; sealed, uninitialised or unreachable is not.</summary>
    public async Task CheckHealthAsync(CancellationToken ct)
    {
        using var response = await SendAsync(HttpMethod.Get, "v1/sys/health?standbyok=true", null, ct);
        if (!response.IsSuccessStatusCode && response.StatusCode != HttpStatusCode.TooManyRequests)
            throw new SecretsProblem(ErrorCode.ProviderUnavailable, RetryAfter(response));
    }

    private async Task SendExpectingNoBodyAsync(HttpMethod method, string url, byte[]? body, CancellationToken ct)
    {
        using var response = await SendAsync(method, url, body, ct);
        await EnsureSuccessAsync(response, ct);
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, byte[]? body, CancellationToken ct)
    {
        if (!await bulkhead.WaitAsync(options.Timeout, ct))
        {
            logger.LogWarning("{Provider}: {Limit} operations in flight; request refused", options.Scheme, options.MaxConcurrentOperations);
            throw new SecretsProblem(ErrorCode.ProviderUnavailable, DefaultRetryAfter);
        }
        try
        {
            var token = await tokens.GetAsync(ct);
            var response = await SendOnceAsync(method, url, body, token, ct);
            if (response.StatusCode == HttpStatusCode.Forbidden && await tokens.ReplaceRefusedAsync(token, ct) is { } fresh)
            {
                response.Dispose();
                response = await SendOnceAsync(method, url, body, fresh, ct);
            }
            return response;
        }
        catch (Exception ex) when (IsUnavailable(ex, ct))
        {
            logger.LogWarning("{Provider} unavailable: {Error}", options.Scheme, ex.GetType().Name);
            throw new SecretsProblem(ErrorCode.ProviderUnavailable, DefaultRetryAfter);
        }
        finally
        {
            bulkhead.Release();
        }
    }

    private Task<HttpResponseMessage> SendOnceAsync(HttpMethod method, string url, byte[]? body, string token, CancellationToken ct)
    {
        var request = new HttpRequestMessage(method, new Uri(address(), url));
        request.Headers.Add(TokenHeader, token);
        if (options.Namespace is { } ns)
            request.Headers.Add(NamespaceHeader, ns);
        if (body is not null)
            request.Content = new ByteArrayContent(body) { Headers = { ContentType = new("application/json") } };
        return http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
    }

    private static bool IsUnavailable(Exception ex, CancellationToken ct) => ex switch
    {
        HttpRequestException or TimeoutRejectedException or BrokenCircuitException => true,
        OperationCanceledException => !ct.IsCancellationRequested,   // a timeout, not the caller going away
        _ => false,
    };

    /// <summary>
    /// 429/503 (sealed, standby, rate limited) → 503 with Retry-After; a check-and-set version that did not match → 409
    /// CAS_MISMATCH; a write without one where the path requires it → 428 CAS_REQUIRED; anything else → 502.
    /// </summary>
    private async Task EnsureSuccessAsync(HttpResponseMessage response, CancellationToken ct)
    {
        if (response.IsSuccessStatusCode)
            return;
        var status = (int)response.StatusCode;
        if (status is 429 or 503)
            throw new SecretsProblem(ErrorCode.ProviderUnavailable, RetryAfter(response));
        if (status == 400)
        {
            switch (await SingleErrorAsync(response, ct))
            {
                case CasDidNotMatch:
                    throw new SecretsProblem(ErrorCode.CasMismatch);
                case CasRequiredForCall:
                    throw new SecretsProblem(ErrorCode.CasRequired);
            }
        }
        logger.LogWarning("{Provider} answered {Status}", options.Scheme, status);   // provider error texts may echo input: not logged
        throw new SecretsProblem(ErrorCode.ProviderError);
    }

    /// <summary>The one error text of an <c>{"errors":[…]}</c> answer, compared, never logged; null when there is not exactly one.</summary>
    /// <remarks>Read from the buffered bytes, so that it may be asked twice of one answer.</remarks>
    private static async Task<string?> SingleErrorAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var body = await response.Content.ReadAsByteArrayAsync(ct);
        try
        {
            return body.Length > 0 && JsonSerializer.Deserialize(body, Kv2Json.Default.VaultErrors)?.Errors is [var only] ? only : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static TimeSpan RetryAfter(HttpResponseMessage response) =>
        response.Headers.RetryAfter switch
        {
            { Delta: { } delta } => delta,
            { Date: { } date } when date > DateTimeOffset.UtcNow => date - DateTimeOffset.UtcNow,
            _ => DefaultRetryAfter,
        };

    private static async Task<T> ReadAsync<T>(HttpResponseMessage response, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken ct)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync(type, ct) ?? throw Malformed();
        }
        catch (JsonException)
        {
            throw Malformed();
        }
    }

    private static async Task<T?> TryReadAsync<T>(HttpResponseMessage response, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken ct)
        where T : class
    {
        try
        {
            return await response.Content.ReadFromJsonAsync(type, ct);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static SecretsProblem Malformed() => new(ErrorCode.ProviderError);

    private static byte[] Json<T>(T value, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type) =>
        JsonSerializer.SerializeToUtf8Bytes(value, type);

    private static byte[] Versions(IReadOnlyList<int> versions) => Json(new KvVersionsRequest(versions), Kv2Json.Default.KvVersionsRequest);

    private static string Url(string mount, string operation, string path)
    {
        var escaped = string.Join('/', path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.EscapeDataString));
        return $"v1/{Uri.EscapeDataString(mount)}/{operation}" + (escaped.Length == 0 ? "" : "/" + escaped);
    }
}
