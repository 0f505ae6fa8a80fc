using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Secrets.Policy.Contracts;
using Secrets.Policy.Decisions;

namespace Secrets.Policy.AuthZen;

/// <summary>
/// The PDP as an external AuthZEN server (<c>PDP_URL</c>, docs/AUTHORIZATION.md#an-external-pdp-over-authzen): one question is
/// POST /access/v1/evaluation, more are one POST /access/v1/evaluations with the semantic. Each call
/// is one attempt bounded by <c>PDP_TIMEOUT_MS</c>. It fails closed: no answer, a non-2xx status or
/// an answer that is not a JSON object (or, for a batch, has no <c>evaluations</c> array or more
/// items than questions) is <see cref="PdpUnavailableException"/>; a single item without a boolean
/// <c>decision</c> is a deny. Exception messages never carry response bodies or the token.
/// </summary>
internal sealed class AuthZenPdpClient(HttpClient http, AuthZenOptions options) : IPolicyDecisionPoint
{
    public const string EvaluationPath = "access/v1/evaluation";
    public const string EvaluationsPath = "access/v1/evaluations";
    public const string ConfigurationPath = ".well-known/authzen-configuration";
    public const string RequestIdHeader = "X-Request-ID";

    public async Task<IReadOnlyList<AccessVerdict>> EvaluateAsync(IReadOnlyList<PolicyRequest> requests, EvaluationSemantic semantic, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(requests);
        if (requests.Count == 0)
            return [];
        if (requests.Count == 1)
        {
            var single = JsonSerializer.SerializeToUtf8Bytes(AuthZenMapping.ToWire(requests[0]), AuthZenJson.Default.AuthZenEvaluationRequest);
            using var answer = await PostAsync(EvaluationPath, single, requests[0].Context.CorrelationId, ct);
            return [AuthZenMapping.VerdictFrom(answer.RootElement)];
        }

        // full items, no top-level defaults: every item says all it means
        var batch = new AuthZenEvaluationsRequest(null, null, null, null,
            requests.Select(AuthZenMapping.ToWire).ToList(),
            new AuthZenEvaluationsOptions(AuthZenMapping.SemanticName(semantic)));
        using var answers = await PostAsync(EvaluationsPath, JsonSerializer.SerializeToUtf8Bytes(batch, AuthZenJson.Default.AuthZenEvaluationsRequest),
            requests[0].Context.CorrelationId, ct);
        if (!answers.RootElement.TryGetProperty("evaluations", out var items) || items.ValueKind != JsonValueKind.Array)
            throw new PdpUnavailableException("the PDP's batch answer has no evaluations array");
        if (items.GetArrayLength() > requests.Count)
            throw new PdpUnavailableException("the PDP's batch answer has more evaluations than were asked");
        return items.EnumerateArray().Select(AuthZenMapping.VerdictFrom).ToList();
    }

    /// <summary>GET /.well-known/authzen-configuration: any answer below 500 means the PDP is there.</summary>
    public async Task<HealthCheckResult> CheckHealthAsync(CancellationToken ct)
    {
        try
        {
            using var request = Request(HttpMethod.Get, ConfigurationPath);
            using var timeout = Bounded(ct);
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            return (int)response.StatusCode < 500
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"the PDP answered {(int)response.StatusCode}");
        }
        catch (Exception ex) when (ex is HttpRequestException || (ex is OperationCanceledException && !ct.IsCancellationRequested))
        {
            return HealthCheckResult.Unhealthy("the PDP is unreachable");
        }
    }

    /// <summary>One POST; <paramref name="requestId"/> (the caller's correlation id) goes out as AuthZEN's X-Request-ID.</summary>
    private async Task<JsonDocument> PostAsync(string path, byte[] body, string? requestId, CancellationToken ct)
    {
        using var request = Request(HttpMethod.Post, path);
        request.Content = new ByteArrayContent(body) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };
        if (!string.IsNullOrEmpty(requestId))
            request.Headers.TryAddWithoutValidation(RequestIdHeader, requestId);
        using var timeout = Bounded(ct);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, timeout.Token);
            if (!response.IsSuccessStatusCode)
                throw new PdpUnavailableException($"the PDP answered {(int)response.StatusCode}");
            await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
            var answer = await JsonDocument.ParseAsync(stream, default, timeout.Token);
            if (answer.RootElement.ValueKind == JsonValueKind.Object)
                return answer;
            answer.Dispose();
            throw new PdpUnavailableException("the PDP's answer is not a JSON object");
        }
        catch (JsonException)
        {
            throw new PdpUnavailableException("the PDP's answer is not JSON");
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

    private HttpRequestMessage Request(HttpMethod method, string path)
    {
        var request = new HttpRequestMessage(method, new Uri(path, UriKind.Relative));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (options.Token is { } token)
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    private CancellationTokenSource Bounded(CancellationToken ct)
    {
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timeout.CancelAfter(options.Timeout);
        return timeout;
    }
}
