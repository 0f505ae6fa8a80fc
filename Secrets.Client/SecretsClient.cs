using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Secrets.Client.Archives;
using Secrets.Client.Models;

namespace Secrets.Client;

/// <summary>
/// The typed client of the Secrets API (docs/CLIENT.md). Every method is one request; a problem answer is thrown as a
/// <see cref="SecretsApiException"/> with its code and correlation id. Authentication, DPoP, mTLS and retries are the
/// <see cref="HttpClient"/>'s handlers (<c>services.AddSecretsClient(...)</c> puts them together); this class only speaks
/// the API. URIs are canonical secret URIs as strings (the service parses and normalises them).
/// </summary>
public sealed class SecretsClient(HttpClient http)
{
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly HttpClient http = http ?? throw new ArgumentNullException(nameof(http));

    // --- reading ---------------------------------------------------------------------------------------------

    /// <summary>GET /api/secrets/value: the map, or with <c>#key</c> that key's value; <paramref name="version"/> pins a KVv2 version.</summary>
    public async Task<SecretValueResult> ReadAsync(string uri, int? version = null, CancellationToken ct = default)
    {
        using var response = await SendCoreAsync(HttpMethod.Get,
            "/api/secrets/value" + Query(("uri", uri), ("version", version?.ToString(CultureInfo.InvariantCulture))), null, ct);
        var read = await response.Content.ReadFromJsonAsync<SecretValueResult>(Json, ct)
            ?? throw new SecretsApiException(response.StatusCode, "EMPTY_ANSWER", null, "the service answered no body", null);
        return response.Headers.TryGetValues(GrantExpiresInHeader, out var values)
            && long.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
                ? read with { GrantExpiresIn = TimeSpan.FromSeconds(seconds) }
                : read;
    }

    /// <summary>The answer header of a read that says how long its grant still runs, in seconds.</summary>
    public const string GrantExpiresInHeader = "Secrets-Grant-Expires-In";

    /// <summary>As <see cref="ReadAsync"/>, for a value that is a string.</summary>
    public async Task<string> ReadStringAsync(string uri, int? version = null, CancellationToken ct = default) =>
        (await ReadAsync(uri, version, ct)).Value is JsonValue value && value.TryGetValue<string>(out var text)
            ? text
            : throw new SecretsApiException(HttpStatusCode.OK, "NOT_A_STRING", null, "the value is not a string", null);

    // --- writing ---------------------------------------------------------------------------------------------

    /// <summary>POST /api/secrets: without a fragment <paramref name="value"/> (an object) replaces the map; with one it sets the key.</summary>
    public Task<WriteResult> WriteAsync(string uri, JsonNode value, int? cas = null, CancellationToken ct = default) =>
        PostAsync<WriteResult>("/api/secrets", cas is null ? new { uri, value } : new { uri, value, cas }, ct);

    /// <summary>
    /// DELETE /api/secrets: soft-deletes the latest version (or removes the key); with <paramref name="destroy"/> every
    /// version — or, where a destroy needs a second person's approval, the pending approval (nothing destroyed yet).
    /// </summary>
    public Task<PendingApproval?> DeleteAsync(string uri, bool destroy = false, CancellationToken ct = default) =>
        MaybePendingAsync(HttpMethod.Delete, "/api/secrets" + Query(("uri", uri), ("destroy", destroy ? "true" : null)), null, ct);

    /// <summary>POST /api/secrets/rotate to a given value.</summary>
    public Task<RotateResult> RotateAsync(string uri, JsonNode value, CancellationToken ct = default) =>
        PostAsync<RotateResult>("/api/secrets/rotate", new { uri, value }, ct);

    /// <summary>POST /api/secrets/rotate to a value the service generates; the value is answered only with <paramref name="returnValue"/>.</summary>
    public Task<RotateResult> RotateGeneratedAsync(string uri, GenerateOptions? generate = null, bool returnValue = false, CancellationToken ct = default) =>
        PostAsync<RotateResult>("/api/secrets/rotate", new Dictionary<string, object?>
        {
            ["uri"] = uri, ["generate"] = generate ?? new GenerateOptions(), ["return_value"] = returnValue,
        }, ct);

    /// <summary>POST /api/secrets/rollback: version <paramref name="toVersion"/>'s data becomes the newest version.</summary>
    public Task<RotateResult> RollbackAsync(string uri, int toVersion, CancellationToken ct = default) =>
        PostAsync<RotateResult>("/api/secrets/rollback", new Dictionary<string, object?> { ["uri"] = uri, ["to_version"] = toVersion }, ct);

    public Task UndeleteAsync(string uri, IReadOnlyList<int> versions, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Post, "/api/secrets/undelete", new { uri, versions }, ct);

    /// <summary>POST /api/secrets/destroy-versions: null once destroyed; the pending approval where a destroy needs one (docs/API.md#gated-destroy).</summary>
    public Task<PendingApproval?> DestroyVersionsAsync(string uri, IReadOnlyList<int> versions, CancellationToken ct = default) =>
        MaybePendingAsync(HttpMethod.Post, "/api/secrets/destroy-versions", new { uri, versions }, ct);

    /// <summary>POST /api/secrets/approvals/{id}/approve: a second subject approves a pending destroy, which then runs.</summary>
    public Task ApproveAsync(string approvalId, CancellationToken ct = default) =>
        SendAsync(HttpMethod.Post, "/api/secrets/approvals/" + Uri.EscapeDataString(approvalId) + "/approve", null, ct);

    /// <summary>GET /api/secrets/rotation/schedules: the schedules the caller may see, with next and last run.</summary>
    public Task<SchedulesResult> SchedulesAsync(CancellationToken ct = default) => GetAsync<SchedulesResult>("/api/secrets/rotation/schedules", ct);

    public Task<OwnerResult> SetOwnerAsync(string uri, string owner, CancellationToken ct = default) =>
        PostAsync<OwnerResult>("/api/secrets/metadata/owner", new { uri, owner }, ct);

    public Task<BulkResponse> BulkAsync(IReadOnlyList<BulkOperation> operations, bool continueOnError = false, CancellationToken ct = default) =>
        PostAsync<BulkResponse>("/api/secrets/bulk", new { operations, continueOnError }, ct);

    public Task<CopyResult> CopyAsync(string fromUri, string toUri, bool overwrite = false, CancellationToken ct = default) =>
        PostAsync<CopyResult>("/api/secrets/copy", new { fromUri, toUri, overwrite }, ct);

    public Task<CopyResult> MoveAsync(string fromUri, string toUri, bool overwrite = false, CancellationToken ct = default) =>
        PostAsync<CopyResult>("/api/secrets/move", new { fromUri, toUri, overwrite }, ct);

    // --- metadata and listings -------------------------------------------------------------------------------

    public Task<KeysResult> KeysAsync(string uri, CancellationToken ct = default) =>
        GetAsync<KeysResult>("/api/secrets/keys" + Query(("uri", uri)), ct);

    public Task<Page<MetadataItem>> ListMetadataAsync(string prefix, int? offset = null, int? limit = null, CancellationToken ct = default) =>
        GetAsync<Page<MetadataItem>>("/api/secrets/metadata" + Query(("prefix", prefix), ("offset", Num(offset)), ("limit", Num(limit))), ct);

    public Task<MetadataDetail> MetadataAsync(string uri, CancellationToken ct = default) =>
        GetAsync<MetadataDetail>("/api/secrets/metadata/detail" + Query(("uri", uri)), ct);

    public Task<VersionsResult> VersionsAsync(string uri, CancellationToken ct = default) =>
        GetAsync<VersionsResult>("/api/secrets/versions" + Query(("uri", uri)), ct);

    public Task<Page<SearchHit>> SearchAsync(string q, string prefix, int? offset = null, int? limit = null, CancellationToken ct = default) =>
        GetAsync<Page<SearchHit>>("/api/secrets/search" + Query(("q", q), ("prefix", prefix), ("offset", Num(offset)), ("limit", Num(limit))), ct);

    /// <summary>GET /api/secrets/audit (a dev helper): the ring buffer's events (their <c>data</c>), filtered by the query's pairs.</summary>
    public Task<JsonNode> AuditAsync(IReadOnlyDictionary<string, string>? filter = null, CancellationToken ct = default) =>
        GetAsync<JsonNode>("/api/secrets/audit" + Query((filter ?? new Dictionary<string, string>()).Select(p => (p.Key, (string?)p.Value)).ToArray()), ct);

    /// <summary>GET /api/secrets/audit/keys: the JWK Set of the audit checkpoint keys.</summary>
    public Task<JsonNode> AuditKeysAsync(CancellationToken ct = default) => GetAsync<JsonNode>("/api/secrets/audit/keys", ct);

    /// <summary>
    /// GET /api/secrets/events (where the service has it on): the audit events as they happen, until the stream ends or
    /// <paramref name="ct"/> is cancelled. Each is its type, its sequence number and its CloudEvent (no values).
    /// </summary>
    public async IAsyncEnumerable<SecretEvent> EventsAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        using var response = await SendCoreAsync(HttpMethod.Get, "/api/secrets/events", null, ct, HttpCompletionOption.ResponseHeadersRead);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(ct));
        string? id = null, type = null;
        var data = new System.Text.StringBuilder();
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.Length == 0)
            {
                if (type is not null && data.Length > 0)
                    yield return new SecretEvent(id, type, JsonNode.Parse(data.ToString()));
                (id, type) = (null, null);
                data.Clear();
            }
            else if (line.StartsWith("id:", StringComparison.Ordinal))
            {
                id = line[3..].Trim();
            }
            else if (line.StartsWith("event:", StringComparison.Ordinal))
            {
                type = line[6..].Trim();
            }
            else if (line.StartsWith("data:", StringComparison.Ordinal))
            {
                data.Append(line[5..].TrimStart());
            }
        }
    }

    // --- backup and restore ------------------------------------------------------------------------------------

    /// <summary>
    /// POST /api/secrets/admin/backup: streams the encrypted archive of every path under <paramref name="prefix"/> into
    /// <paramref name="destination"/> as it arrives (docs/BACKUP.md), reporting bytes and paths as the frames go by.
    /// A result that is not <see cref="BackupResult.Complete"/> ended before its last frame: discard it.
    /// </summary>
    public async Task<BackupResult> BackupAsync(string prefix, Stream destination, IProgress<BackupProgress>? progress = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        using var response = await SendCoreAsync(HttpMethod.Post, "/api/secrets/admin/backup", new { prefix }, ct, HttpCompletionOption.ResponseHeadersRead);
        int? listed = response.Headers.TryGetValues(BackupPathsHeader, out var values)
            && int.TryParse(values.FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : null;
        var counter = new Archives.ArchiveFrameCounter();
        await using var source = await response.Content.ReadAsStreamAsync(ct);
        var buffer = new byte[64 * 1024];
        int read;
        progress?.Report(new BackupProgress(0, 0, listed));
        while ((read = await source.ReadAsync(buffer, ct)) > 0)
        {
            await destination.WriteAsync(buffer.AsMemory(0, read), ct);
            counter.Feed(buffer.AsSpan(0, read));
            progress?.Report(new BackupProgress(counter.Bytes, counter.Entries, listed));
        }
        return new BackupResult(listed, counter.Entries, counter.Bytes, counter.Complete);
    }

    /// <summary>
    /// POST /api/secrets/admin/restore: uploads <paramref name="archive"/> (reporting the bytes sent); the service
    /// authenticates it whole, then restores (or with <paramref name="dryRun"/> only reports) each path.
    /// </summary>
    public async Task<RestoreReport> RestoreAsync(Stream archive, bool dryRun = false, string? provider = null, IProgress<long>? sent = null,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(archive);
        using var request = new HttpRequestMessage(HttpMethod.Post,
            new Uri("/api/secrets/admin/restore" + Query(("dry_run", dryRun ? "true" : "false"), ("provider", provider)), UriKind.Relative))
        {
            Content = new Archives.ProgressContent(archive, archive.CanSeek ? archive.Length - archive.Position : null, sent),
        };
        using var response = await http.SendAsync(request, ct);
        if (!response.IsSuccessStatusCode)
            throw await ProblemAsync(response, ct);
        return await response.Content.ReadFromJsonAsync<RestoreReport>(Json, ct)
            ?? throw new SecretsApiException(response.StatusCode, "EMPTY_ANSWER", null, "the service answered no body", null);
    }

    /// <summary>The answer header of a backup that says how many paths the service listed under the prefix.</summary>
    public const string BackupPathsHeader = "X-Backup-Paths";

    // --- plumbing --------------------------------------------------------------------------------------------

    private Task<T> GetAsync<T>(string path, CancellationToken ct) => SendAsync<T>(HttpMethod.Get, path, null, ct);

    private Task<T> PostAsync<T>(string path, object body, CancellationToken ct) => SendAsync<T>(HttpMethod.Post, path, body, ct);

    private async Task<T> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var response = await SendCoreAsync(method, path, body, ct);
        return await response.Content.ReadFromJsonAsync<T>(Json, ct)
            ?? throw new SecretsApiException(response.StatusCode, "EMPTY_ANSWER", null, "the service answered no body", null);
    }

    /// <summary>A destroy: 204 when done, 202 with the pending approval when it waits for one.</summary>
    private async Task<PendingApproval?> MaybePendingAsync(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var response = await SendCoreAsync(method, path, body, ct);
        return response.StatusCode == HttpStatusCode.Accepted ? await response.Content.ReadFromJsonAsync<PendingApproval>(Json, ct) : null;
    }

    private async Task SendAsync(HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var response = await SendCoreAsync(method, path, body, ct);
    }

    /// <summary>
    /// One request; a problem answer is thrown. Answers are small JSON, read whole before they are parsed (faster than
    /// parsing from the socket); a stream (the events) asks for <see cref="HttpCompletionOption.ResponseHeadersRead"/>.
    /// </summary>
    private async Task<HttpResponseMessage> SendCoreAsync(HttpMethod method, string path, object? body, CancellationToken ct,
        HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead)
    {
        using var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        if (body is not null)
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        var response = await http.SendAsync(request, completion, ct);
        if (response.IsSuccessStatusCode)
            return response;
        using (response)
            throw await ProblemAsync(response, ct);
    }

    /// <summary>The answer's problem as an exception: its code and correlation id, or <c>HTTP_&lt;status&gt;</c> when it is not problem+json.</summary>
    internal static async Task<SecretsApiException> ProblemAsync(HttpResponseMessage response, CancellationToken ct)
    {
        string? code = null, correlation = null, detail = null;
        try
        {
            if (await response.Content.ReadFromJsonAsync<JsonNode>(Json, ct) is JsonObject problem)
            {
                code = (problem["code"] as JsonValue)?.GetValue<string>();
                correlation = (problem["correlation_id"] as JsonValue)?.GetValue<string>();
                detail = (problem["detail"] as JsonValue)?.GetValue<string>();
            }
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException or FormatException)
        {
            // not problem+json: the status says what happened
        }
        var retryAfter = response.Headers.RetryAfter is { } header
            ? header.Delta ?? (header.Date is { } at ? at - DateTimeOffset.UtcNow : null)
            : null;
        return new SecretsApiException(response.StatusCode, code ?? $"HTTP_{(int)response.StatusCode}", correlation, detail, retryAfter);
    }

    private static string? Num(int? n) => n?.ToString(CultureInfo.InvariantCulture);

    private static string Query(params (string Name, string? Value)[] pairs)
    {
        var present = pairs.Where(p => p.Value is not null).Select(p => p.Name + "=" + Uri.EscapeDataString(p.Value!)).ToList();
        return present.Count == 0 ? "" : "?" + string.Join('&', present);
    }
}
