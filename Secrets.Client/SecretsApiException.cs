using System.Net;

namespace Secrets.Client;

/// <summary>
/// The service answered with a problem (problem+json): its HTTP status, its typed <see cref="Code"/> (docs/ERRORS.md),
/// the request's <see cref="CorrelationId"/> and, for 429 and 503, how long to wait. It never holds a secret value:
/// the service never puts one in a problem, and the message is built from the code and status only.
/// </summary>
public sealed class SecretsApiException : Exception
{
    public SecretsApiException(HttpStatusCode status, string code, string? correlationId, string? detail, TimeSpan? retryAfter)
        : base($"{(int)status} {code}" + (detail is null ? "" : ": " + detail) + (correlationId is null ? "" : $" (correlation id {correlationId})"))
    {
        Status = status;
        Code = code;
        CorrelationId = correlationId;
        Detail = detail;
        RetryAfter = retryAfter;
    }

    public SecretsApiException()
        : this(HttpStatusCode.InternalServerError, "INTERNAL_ERROR", null, null, null)
    {
    }

    public SecretsApiException(string message)
        : base(message)
    {
        Code = "INTERNAL_ERROR";
    }

    public SecretsApiException(string message, Exception inner)
        : base(message, inner)
    {
        Code = "INTERNAL_ERROR";
    }

    public HttpStatusCode Status { get; }

    /// <summary>The error code, e.g. <c>SECRET_NOT_FOUND</c>; <c>HTTP_&lt;status&gt;</c> when the answer was not problem+json.</summary>
    public string Code { get; }

    public string? CorrelationId { get; }

    public string? Detail { get; }

    public TimeSpan? RetryAfter { get; }
}
