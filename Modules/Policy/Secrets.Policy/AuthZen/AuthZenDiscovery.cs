using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Secrets.Policy.Decisions;

namespace Secrets.Policy.AuthZen;

/// <summary>
/// The external PDP's metadata (AuthZEN 1.0 §9), read once and kept. GET on the well-known URL inserted before the
/// identifier's path (§9.2), one attempt bounded by <c>PDP_TIMEOUT_MS</c>:
/// <list type="bullet">
/// <item>200 with an <c>application/json</c> object whose <c>policy_decision_point</c> is the identifier (§9.2.3) and whose
/// <c>access_evaluation_endpoint</c> and other endpoints are URLs the client may call (https; http only on loopback or in
/// dev): the endpoints it names are used (§10.1), unknown members and <c>signed_metadata</c> are ignored (§9.2.2, §9.1.3).
/// Kept for its <c>Cache-Control: max-age</c> (§11.9), between one minute and one hour, five minutes without one.</item>
/// <item>404 or 410: no metadata, the default paths (§10.1), kept five minutes.</item>
/// <item>A document that is not valid, names another PDP or an endpoint the client may not call: not used; every call
/// fails closed (503 PDP_UNAVAILABLE) until a valid one is read.</item>
/// <item>Anything else (no answer, a timeout, another status): the last good metadata stays in use, refreshed again
/// at most every <see cref="RetryAfterFailure"/>, for up to <see cref="MaxStale"/> after it expired; without it, the
/// call fails closed.</item>
/// </list>
/// Concurrent callers share one request. Messages never carry the PDP's answer or the token.
/// </summary>
internal sealed partial class AuthZenDiscovery(AuthZenOptions options, TimeProvider time, ILogger<AuthZenDiscovery> log) : IDisposable
{
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromMinutes(5);
    public static readonly TimeSpan MinLifetime = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromHours(1);
    public static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan MaxStale = TimeSpan.FromHours(1);

    private readonly SemaphoreSlim gate = new(1, 1);
    private volatile Known? known;

    public void Dispose() => gate.Dispose();

    /// <summary>The metadata in force, read again when it expired; throws <see cref="PdpUnavailableException"/> when there is none to use.</summary>
    public async Task<AuthZenMetadata> GetAsync(HttpClient http, CancellationToken ct)
    {
        if (known is { } current && time.GetUtcNow() < current.Expires)
            return current.Metadata;
        await gate.WaitAsync(ct);
        try
        {
            if (known is { } fresh && time.GetUtcNow() < fresh.Expires)
                return fresh.Metadata;   // another caller read it meanwhile
            return await ReadAsync(http, ct);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Reads the metadata now (the ready check); throws <see cref="PdpUnavailableException"/> saying why it cannot be used.</summary>
    public async Task<AuthZenMetadata> RefreshAsync(HttpClient http, CancellationToken ct)
    {
        await gate.WaitAsync(ct);
        try
        {
            return await ReadAsync(http, ct, useStale: false);
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>
    /// A PDP without metadata answered its default batch path as if it had no such API: ask one evaluation per
    /// question until the metadata is read again.
    /// </summary>
    public void WithoutBatch(AuthZenMetadata metadata)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        if (known is { } current && ReferenceEquals(current.Metadata, metadata) && !metadata.Published)
            known = current with { Metadata = metadata with { Evaluations = null } };
    }

    private async Task<AuthZenMetadata> ReadAsync(HttpClient http, CancellationToken ct, bool useStale = true)
    {
        var now = time.GetUtcNow();
        try
        {
            var (metadata, lifetime) = await FetchAsync(http, ct);
            known = new Known(metadata, now + lifetime, now + lifetime + MaxStale);
            return metadata;
        }
        catch (PdpUnavailableException ex) when (ex.Status is not 200 && useStale && known is { } last && now < last.StaleUntil)
        {
            LogStale(log, ex.Message);
            known = last with { Expires = now + RetryAfterFailure };
            return last.Metadata;
        }
        catch (PdpUnavailableException ex) when (ex.Status is 200)
        {
            known = null;   // a document that must not be used replaces what was known
            throw;
        }
    }

    private async Task<(AuthZenMetadata Metadata, TimeSpan Lifetime)> FetchAsync(HttpClient http, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, options.MetadataUrl);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (options.Token is { } token)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Timeout);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
            if (response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Gone)
                return (AuthZenMetadata.Defaults(options), DefaultLifetime);
            if (response.StatusCode != HttpStatusCode.OK)
                throw new PdpUnavailableException($"the PDP's metadata answered {(int)response.StatusCode}") { Status = (int)response.StatusCode };
            if (response.Content.Headers.ContentType?.MediaType is not { } media || !media.Equals("application/json", StringComparison.OrdinalIgnoreCase))
                throw Unusable("is not application/json");
            await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
            using var document = await JsonDocument.ParseAsync(stream, AuthZenPdpClient.Strict, timeout.Token);
            return (Parse(document.RootElement), Lifetime(response.Headers.CacheControl));
        }
        catch (JsonException)
        {
            throw Unusable("is not a JSON object with unique members");
        }
        catch (HttpRequestException ex)
        {
            throw new PdpUnavailableException($"the PDP's metadata could not be read ({ex.HttpRequestError})");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new PdpUnavailableException($"the PDP's metadata did not come within {(int)options.Timeout.TotalMilliseconds} ms");
        }
    }

    private AuthZenMetadata Parse(JsonElement document)
    {
        if (document.ValueKind != JsonValueKind.Object)
            throw Unusable("is not a JSON object");
        if (!TryUrl(document, "policy_decision_point", out var identifier) || identifier is null)
            throw Unusable("has no valid policy_decision_point");
        if (!options.IsIdentifier(identifier))
            throw Unusable("names another policy decision point");   // §9.2.3: a mix-up; the document is not used
        if (!TryUrl(document, "access_evaluation_endpoint", out var evaluation) || evaluation is null)
            throw Unusable("has no access_evaluation_endpoint that is an https URL");
        if (!TryUrl(document, "access_evaluations_endpoint", out var evaluations)
            || !TryUrl(document, "search_subject_endpoint", out var subject)
            || !TryUrl(document, "search_resource_endpoint", out var resource)
            || !TryUrl(document, "search_action_endpoint", out var action))
            throw Unusable("names an endpoint that is not an https URL");
        return new AuthZenMetadata(evaluation, evaluations, subject, resource, action, Published: true);
    }

    /// <summary>An absent (or null) member is a null URL; a present one must be an absolute URL the client may call, without fragment.</summary>
    private bool TryUrl(JsonElement document, string name, out Uri? url)
    {
        url = null;
        if (!document.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return true;
        if (value.ValueKind != JsonValueKind.String || !Uri.TryCreate(value.GetString(), UriKind.Absolute, out var parsed)
            || !options.Accepts(parsed) || parsed.Fragment.Length > 0)
            return false;
        url = parsed;
        return true;
    }

    private static TimeSpan Lifetime(CacheControlHeaderValue? cache)
    {
        if (cache is null)
            return DefaultLifetime;
        if (cache.NoStore || cache.NoCache)
            return MinLifetime;
        return cache.MaxAge is { } age ? TimeSpan.FromTicks(Math.Clamp(age.Ticks, MinLifetime.Ticks, MaxLifetime.Ticks)) : DefaultLifetime;
    }

    private static PdpUnavailableException Unusable(string problem) => new($"the PDP's metadata {problem}") { Status = 200 };

    [LoggerMessage(Level = LogLevel.Warning, Message = "The PDP's metadata could not be read again, the last one stays in use: {Reason}")]
    private static partial void LogStale(ILogger logger, string reason);

    /// <summary>The metadata in use, until when, and until when it may still serve while it cannot be read again.</summary>
    private sealed record Known(AuthZenMetadata Metadata, DateTimeOffset Expires, DateTimeOffset StaleUntil);
}
