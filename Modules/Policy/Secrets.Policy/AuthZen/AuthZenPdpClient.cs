using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Secrets.Policy.Contracts;
using Secrets.Policy.Decisions;

namespace Secrets.Policy.AuthZen;

/// <summary>
/// The PDP as an external AuthZEN server (<c>PDP_URL</c>, docs/AUTHORIZATION.md#an-external-pdp-over-authzen), at the
/// endpoints its metadata names (<see cref="AuthZenDiscovery"/>). One question is one Access Evaluation (AuthZEN 1.0
/// §6); more are one Access Evaluations call with the semantic (§7) when the PDP offers that API, and otherwise one
/// evaluation per question with the semantic applied here: deny_on_first_deny and permit_on_first_permit ask in
/// order and stop at the deciding answer, execute_all asks all, <see cref="Parallelism"/> at a time, every answer
/// within one <c>PDP_TIMEOUT_MS</c>. Each call is one attempt bounded by <c>PDP_TIMEOUT_MS</c>.
/// It fails closed: no answer, a non-2xx status, an answer that is not a JSON object with unique members (or, for a
/// batch, has no <c>evaluations</c> array or more items than questions) is <see cref="PdpUnavailableException"/> for
/// the whole call; an item without a boolean <c>decision</c> is a deny, an item with <c>context.error</c> a deny the
/// PDP did not decide (§7.2.1). Exception messages never carry response bodies or the token.
/// </summary>
internal sealed partial class AuthZenPdpClient(HttpClient http, AuthZenOptions options, AuthZenDiscovery discovery, ILogger<AuthZenPdpClient> log)
    : IPolicyDecisionPoint, IResourceSearch
{
    public const string RequestIdHeader = "X-Request-ID";

    /// <summary>Questions asked at once when the PDP has no batch API and every answer is needed.</summary>
    public const int Parallelism = 4;

    /// <summary>Pages one search may take; a PDP that has more is unavailable for it.</summary>
    public const int MaxSearchPages = 20;

    /// <summary>The page size asked of a search (AuthZEN 1.0 §8.2.1 <c>limit</c>), the same on every page.</summary>
    public const int SearchPageLimit = 200;

    /// <summary>AuthZEN 1.0 §11.5 (I-JSON): a member given twice makes the answer malformed, never "the last one wins".</summary>
    public static readonly JsonDocumentOptions Strict = new() { AllowDuplicateProperties = false };

    public async Task<IReadOnlyList<AccessVerdict>> EvaluateAsync(IReadOnlyList<PolicyRequest> requests, EvaluationSemantic semantic, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(requests);
        if (requests.Count == 0)
            return [];
        var metadata = await discovery.GetAsync(http, ct);
        var requestId = requests[0].Context.CorrelationId;
        if (requests.Count == 1)
            return [await AskOneAsync(metadata.Evaluation, requests[0], requestId, ct)];

        if (metadata.Evaluations is { } batch)
        {
            try
            {
                return await AskBatchAsync(batch, requests, semantic, requestId, ct);
            }
            catch (PdpUnavailableException ex) when (!metadata.Published && ex.Status is 404 or 405 or 501)
            {
                // no metadata and nothing at the default batch path: this PDP has no batch API
                LogNoBatch(log, ex.Status.Value);
                discovery.WithoutBatch(metadata);
            }
        }
        return await AskEachAsync(metadata.Evaluation, requests, semantic, requestId, ct);
    }

    /// <summary>The ready check: the PDP's metadata is read now and can be used (or there is none, and the default paths are used).</summary>
    public async Task<HealthCheckResult> CheckHealthAsync(CancellationToken ct)
    {
        try
        {
            var metadata = await discovery.RefreshAsync(http, ct);
            return HealthCheckResult.Healthy(metadata.Published ? "the PDP's metadata is valid" : "the PDP publishes no metadata: default paths");
        }
        catch (PdpUnavailableException ex)
        {
            return HealthCheckResult.Unhealthy(ex.Message);
        }
    }

    public async Task<IReadOnlyList<string>?> SearchResourcesAsync(PolicySubject subject, string action, string? tenantId, PolicyContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(subject);
        ArgumentNullException.ThrowIfNull(context);
        var request = new AuthZenSearchRequest(
            AuthZenMapping.ToWire(subject),
            new AuthZenAction(action),
            new AuthZenResource(AuthZenMapping.SecretType, null, tenantId is null ? null : new AuthZenResourceProperties(tenantId, null, null)),
            AuthZenMapping.ToWire(context),
            null);
        var found = await SearchPagesAsync(AuthZenSearchKind.Resource, request, context.CorrelationId, ct);
        return found is { Exact: true } ? found.Value.Ids : null;   // patterns that do not say it exactly: evaluate instead
    }

    /// <summary>
    /// Every page of a search (AuthZEN 1.0 §8.2): the same request each time with the previous <c>next_token</c> and the
    /// same <c>limit</c>, until a page without one or with <c>""</c>. Null when the PDP's metadata does not offer this search
    /// (§9.1.1). A token that comes back twice, or more than <see cref="MaxSearchPages"/> pages, is unavailable.
    /// Results of another type than the one searched for are dropped (§8.3); the ids (names for actions) in order.
    /// </summary>
    public async Task<IReadOnlyList<string>?> SearchAsync(AuthZenSearchKind kind, AuthZenSearchRequest request, string? requestId, CancellationToken ct) =>
        (await SearchPagesAsync(kind, request, requestId, ct))?.Ids;

    /// <summary>
    /// <see cref="SearchAsync"/>, and whether every page said its results are exact: a page whose <c>context.exact</c> is
    /// <c>false</c> (this service's embedded PDP, when a deny or a condition narrows a <c>…/*</c> result) is not.
    /// </summary>
    private async Task<(IReadOnlyList<string> Ids, bool Exact)?> SearchPagesAsync(AuthZenSearchKind kind, AuthZenSearchRequest request, string? requestId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var metadata = await discovery.GetAsync(http, ct);
        if (metadata.Search(kind) is not { } endpoint)
            return null;
        var type = kind switch
        {
            AuthZenSearchKind.Subject => request.Subject?.Type,
            AuthZenSearchKind.Resource => request.Resource?.Type,
            _ => null,
        };
        var results = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var exact = true;
        string? token = null;
        for (var page = 1; page <= MaxSearchPages; page++)
        {
            var body = JsonSerializer.SerializeToUtf8Bytes(request with { Page = new AuthZenPageRequest(token, SearchPageLimit) }, AuthZenJson.Default.AuthZenSearchRequest);
            using var answer = await PostAsync(endpoint, body, RequestId(requestId, page), ct);
            token = ReadPage(answer.RootElement, kind, type, results);
            exact &= !(answer.RootElement.TryGetProperty("context", out var context) && context.ValueKind == JsonValueKind.Object
                && context.TryGetProperty("exact", out var flag) && flag.ValueKind == JsonValueKind.False);
            if (string.IsNullOrEmpty(token))
                return (results, exact);
            if (!seen.Add(token))
                throw new PdpUnavailableException("the PDP's search gave the same page token twice");
        }
        throw new PdpUnavailableException($"the PDP's search has more than {MaxSearchPages} pages");
    }

    private async Task<AccessVerdict> AskOneAsync(Uri endpoint, PolicyRequest request, string? requestId, CancellationToken ct)
    {
        var body = JsonSerializer.SerializeToUtf8Bytes(AuthZenMapping.ToWire(request), AuthZenJson.Default.AuthZenEvaluationRequest);
        using var answer = await PostAsync(endpoint, body, requestId, ct);
        return AuthZenMapping.VerdictFrom(answer.RootElement);
    }

    private async Task<IReadOnlyList<AccessVerdict>> AskBatchAsync(
        Uri endpoint, IReadOnlyList<PolicyRequest> requests, EvaluationSemantic semantic, string? requestId, CancellationToken ct)
    {
        // full items, no top-level defaults: every item says all it means
        var batch = new AuthZenEvaluationsRequest(null, null, null, null,
            requests.Select(AuthZenMapping.ToWire).ToList(),
            new AuthZenEvaluationsOptions(AuthZenMapping.SemanticName(semantic)));
        using var answers = await PostAsync(endpoint, JsonSerializer.SerializeToUtf8Bytes(batch, AuthZenJson.Default.AuthZenEvaluationsRequest), requestId, ct);
        if (!answers.RootElement.TryGetProperty("evaluations", out var items) || items.ValueKind != JsonValueKind.Array)
            throw new PdpUnavailableException("the PDP's batch answer has no evaluations array");
        if (items.GetArrayLength() > requests.Count)
            throw new PdpUnavailableException("the PDP's batch answer has more evaluations than were asked");
        return items.EnumerateArray().Select(AuthZenMapping.VerdictFrom).ToList();
    }

    /// <summary>
    /// One evaluation per question, the batch semantic applied here (AuthZEN 1.0 §7.1.2.1), all within one
    /// <c>PDP_TIMEOUT_MS</c>. Each request has its own <c>X-Request-ID</c>, the correlation id and its position.
    /// One question that cannot be asked makes the whole call unavailable.
    /// </summary>
    private async Task<IReadOnlyList<AccessVerdict>> AskEachAsync(
        Uri endpoint, IReadOnlyList<PolicyRequest> requests, EvaluationSemantic semantic, string? requestId, CancellationToken ct)
    {
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(ct);
        budget.CancelAfter(options.Timeout);
        try
        {
            if (semantic != EvaluationSemantic.ExecuteAll)
            {
                var verdicts = new List<AccessVerdict>(requests.Count);
                for (var i = 0; i < requests.Count; i++)
                {
                    var verdict = await AskOneAsync(endpoint, requests[i], RequestId(requestId, i + 1), budget.Token);
                    verdicts.Add(verdict);
                    if (AuthZenMapping.Decides(semantic, verdict.Decision))
                        break;   // the rest is not asked, as a short-circuiting PDP would not evaluate it
                }
                return verdicts;
            }

            var all = new AccessVerdict[requests.Count];
            using var slots = new SemaphoreSlim(Parallelism);
            var asked = requests.Select(async (request, i) =>
            {
                await slots.WaitAsync(budget.Token);
                try
                {
                    all[i] = await AskOneAsync(endpoint, request, RequestId(requestId, i + 1), budget.Token);
                }
                catch (PdpUnavailableException)
                {
                    await budget.CancelAsync();   // one failure decides the call: stop asking
                    throw;
                }
                finally
                {
                    slots.Release();
                }
            }).ToList();
            try
            {
                await Task.WhenAll(asked);
            }
            catch (Exception) when (asked.Select(t => t.Exception?.InnerException).OfType<PdpUnavailableException>().FirstOrDefault() is { } first)
            {
                throw first;
            }
            return all;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new PdpUnavailableException($"the PDP did not answer {requests.Count} evaluations within {(int)options.Timeout.TotalMilliseconds} ms");
        }
    }

    /// <summary>One search page: its results into <paramref name="results"/>, and its <c>next_token</c> (null: no page object, the last page).</summary>
    private string? ReadPage(JsonElement answer, AuthZenSearchKind kind, string? type, List<string> results)
    {
        if (!answer.TryGetProperty("results", out var items) || items.ValueKind != JsonValueKind.Array)
            throw new PdpUnavailableException("the PDP's search answer has no results array");
        var dropped = 0;
        foreach (var item in items.EnumerateArray())
        {
            var value = kind == AuthZenSearchKind.Action ? Text(item, "name")
                : string.Equals(Text(item, "type"), type, StringComparison.Ordinal) ? Text(item, "id")
                : null;
            if (value is { Length: > 0 })
                results.Add(value);
            else
                dropped++;
        }
        if (dropped > 0)
            LogDropped(log, dropped);
        if (!answer.TryGetProperty("page", out var page) || page.ValueKind == JsonValueKind.Null)
            return null;
        if (page.ValueKind != JsonValueKind.Object || !page.TryGetProperty("next_token", out var next) || next.ValueKind != JsonValueKind.String)
            throw new PdpUnavailableException("the PDP's search answer has a page without a next_token");
        return next.GetString();
    }

    /// <summary>One POST; <paramref name="requestId"/> (from the caller's correlation id) goes out as AuthZEN's X-Request-ID.</summary>
    private async Task<JsonDocument> PostAsync(Uri endpoint, byte[] body, string? requestId, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (options.Token is { } token)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };
        if (!string.IsNullOrEmpty(requestId))
            request.Headers.TryAddWithoutValidation(RequestIdHeader, requestId);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Timeout);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
            if (!response.IsSuccessStatusCode)
                throw new PdpUnavailableException($"the PDP answered {(int)response.StatusCode}") { Status = (int)response.StatusCode };
            await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
            var answer = await JsonDocument.ParseAsync(stream, Strict, timeout.Token);
            if (answer.RootElement.ValueKind == JsonValueKind.Object)
                return answer;
            answer.Dispose();
            throw new PdpUnavailableException("the PDP's answer is not a JSON object");
        }
        catch (JsonException)
        {
            throw new PdpUnavailableException("the PDP's answer is not JSON, or repeats a member");
        }
        catch (HttpRequestException ex)
        {
            throw new PdpUnavailableException($"the PDP request failed ({ex.HttpRequestError})");
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new PdpUnavailableException($"the PDP did not answer within {(int)options.Timeout.TotalMilliseconds} ms");
        }
    }

    /// <summary>The n-th request of a call: <c>&lt;correlation id&gt;.&lt;n&gt;</c>, so that each is identified on its own (AuthZEN 1.0 §10.1.3).</summary>
    private static string? RequestId(string? requestId, int n) =>
        string.IsNullOrEmpty(requestId) ? null : requestId + "." + n.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string? Text(JsonElement item, string name) =>
        item.ValueKind == JsonValueKind.Object && item.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "The PDP publishes no metadata and answered {Status} at the default batch path: one evaluation per question")]
    private static partial void LogNoBatch(ILogger logger, int status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The PDP's search answered {Count} results that are not of the type searched for; they are left out")]
    private static partial void LogDropped(ILogger logger, int count);
}
