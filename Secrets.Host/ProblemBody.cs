using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using FluentValidation.Results;
using Secrets.Shared.Kernel;

namespace Secrets.Host;

/// <summary>An RFC 9457 problem body with the documented <c>code</c> (docs/ERRORS.md) and the request's <c>correlation_id</c>.</summary>
internal sealed record ProblemBody(
    [property: JsonPropertyName("type")] string Type,
    [property: JsonPropertyName("title")] string Title,
    [property: JsonPropertyName("status")] int Status,
    [property: JsonPropertyName("code")] string Code,
    [property: JsonPropertyName("detail")] string Detail,
    [property: JsonPropertyName("correlation_id")] string CorrelationId,
    [property: JsonPropertyName("errors")][property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    IReadOnlyList<FieldError>? Errors = null)
{
    public const string ContentType = "application/problem+json";

    public static ProblemBody For(ErrorCode code, string correlationId, IReadOnlyList<FieldError>? errors = null) =>
        new("about:blank", code.Title, code.Status, code.Value, code.Detail, correlationId, errors);

    /// <summary>
    /// Validation and binding failures. Messages of our own validators are kept (they name fields and
    /// rules, never input); anything else (binding, JSON) gets a fixed message, so no input echoes back.
    /// </summary>
    public static ProblemBody ForValidation(IEnumerable<ValidationFailure> failures, string correlationId)
    {
        ErrorMetrics.Answered(ErrorCode.InvalidRequest.Value);   // FastEndpoints writes this body itself
        return For(ErrorCode.InvalidRequest, correlationId, failures.Select(f => new FieldError(
            FieldName(f.PropertyName),
            f.ErrorCode is { } c && c.EndsWith("Validator", StringComparison.Ordinal) ? WithoutInput(f.ErrorMessage) : "invalid or unreadable value")).ToList());
    }

    /// <summary>FluentValidation appends "You entered …" to some messages; the input never goes back out.</summary>
    private static string WithoutInput(string message)
    {
        var cut = message.IndexOf(" You entered", StringComparison.Ordinal);
        return cut < 0 ? message : message[..cut];
    }

    private static string FieldName(string property) =>
        string.IsNullOrEmpty(property) ? "body" : JsonNamingPolicy.CamelCase.ConvertName(property);

    /// <summary>
    /// Writes the problem; with <paramref name="retryAfter"/> also <c>Retry-After</c> in whole seconds
    /// (rounded up, at least 1): a provider's 503 and the rate limiter's 429 both go out this way.
    /// </summary>
    public static async Task WriteAsync(HttpContext http, ProblemBody body, TimeSpan? retryAfter = null)
    {
        ErrorMetrics.Answered(body.Code);
        http.Response.StatusCode = body.Status;
        if (retryAfter is { } wait)
            http.Response.Headers.RetryAfter = SecretsProblem.WholeSeconds(wait).ToString(CultureInfo.InvariantCulture);
        http.Response.ContentType = ContentType;
        await JsonSerializer.SerializeAsync(http.Response.Body, body, cancellationToken: http.RequestAborted);
    }
}
