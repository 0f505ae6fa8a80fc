using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.Metadata;
using Secrets.Shared.Kernel;

namespace Secrets.Host;

/// <summary>
/// The outer request middleware: the correlation id (in from <c>X-Correlation-ID</c> or new, out on
/// every response, into the log context), the caller's <c>X-Request-ID</c> back on every response
/// (AuthZEN 1.0 §10.1.3; harmless elsewhere), the anonymous caller until authentication says otherwise,
/// the body size limit, and the one place that turns failures into problem+json, whichever module raised them.
/// </summary>
internal sealed class RequestPipeline(RequestDelegate next, HostLimits limits, ILogger<RequestPipeline> logger)
{
    public const string CorrelationHeader = "X-Correlation-ID";
    public const string RequestIdHeader = "X-Request-ID";

    public async Task InvokeAsync(HttpContext http)
    {
        var correlationId = CorrelationIdFrom(http.Request.Headers[CorrelationHeader]);
        http.TraceIdentifier = correlationId;
        var requestId = http.Request.Headers[RequestIdHeader];
        http.Response.OnStarting(() =>
        {
            http.Response.Headers[CorrelationHeader] = correlationId;
            if (requestId.Count > 0 && requestId.All(Echoable))
                http.Response.Headers[RequestIdHeader] = requestId;   // the same value, whatever answers: the endpoint, authentication, the limiter, a failure
            SecurityHeaders(http.Response.Headers);
            return Task.CompletedTask;
        });
        http.Features.Set(Caller.Anonymous(correlationId));
        var limit = limits.For(http.Request);
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            size.MaxRequestBodySize = limit;

        try
        {
            if (http.Request.ContentLength > limit)
                throw new SecretsProblem(ErrorCode.PayloadTooLarge);
            if (http.Request.ContentLength is null)
                http.Request.Body = ReadCountingStream.Limited(http.Request.Body, limit);
            if (IsBodyWithoutContentType(http))
                throw new SecretsProblem(ErrorCode.UnsupportedMediaType);
            await next(http);
        }
        catch (Exception) when (http.RequestAborted.IsCancellationRequested)
        {
            // the caller went away mid-request: nobody is left to answer, and it is not a server error
            logger.LogDebug("request aborted by the client");
        }
        catch (Exception ex) when (!http.Response.HasStarted)
        {
            var code = Classify(ex);
            // a typed 503 (a dependency away, with Retry-After) is the answer working as designed; the part that saw the
            // dependency fail logs it, throttled. Anything else that ends in a 5xx is a fault worth a line each time.
            if (code.Status == 503 && ex is SecretsProblem)
                logger.LogDebug("request refused with {Code}", code.Value);
            else if (code.Status >= 500)
                logger.LogError("request failed with {Code}: {ExceptionType}", code.Value, ex.GetType().Name);
            var problem = ex as SecretsProblem;
            foreach (var (name, value) in problem?.Headers ?? [])
                http.Response.Headers.Append(name, value);
            await ProblemBody.WriteAsync(http, ProblemBody.For(code, correlationId) with { Detail = problem?.Detail ?? code.Detail }, problem?.RetryAfter);
        }
    }

    /// <summary>
    /// A body without any Content-Type for an endpoint that names the media types it reads: routing lets it through (a
    /// missing type is no mismatch), and the endpoint would then answer a bare 415 with an empty body. It is the same
    /// refusal as a wrong type, so it gets the same typed problem. Endpoints that take any type (<c>*/*</c>, the AuthZEN
    /// ones, which answer 400 themselves) are left alone.
    /// </summary>
    private static bool IsBodyWithoutContentType(HttpContext http) =>
        string.IsNullOrEmpty(http.Request.ContentType)
        && (http.Request.ContentLength > 0 || (http.Request.ContentLength is null && http.Request.Headers.TransferEncoding.Count > 0)
            // an empty POST/PUT/PATCH to an endpoint that reads a JSON body gets the same bare 415 from the endpoint
            || HttpMethods.IsPost(http.Request.Method) || HttpMethods.IsPut(http.Request.Method) || HttpMethods.IsPatch(http.Request.Method))
        && http.GetEndpoint()?.Metadata.GetMetadata<IAcceptsMetadata>() is { ContentTypes.Count: > 0 } accepts
        && !accepts.ContentTypes.Contains("*/*");

    private static ErrorCode Classify(Exception ex) => ex switch
    {
        SecretsProblem problem => problem.Code,
        BadHttpRequestException bad => ErrorCode.ForStatus(bad.StatusCode),
        _ => ErrorCode.InternalError,
    };

    private static string CorrelationIdFrom(string? incoming) =>
        incoming is { Length: > 0 and <= 128 } && incoming.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or ':')
            ? incoming
            : Guid.NewGuid().ToString("N");

    /// <summary>What a response header can carry: visible ASCII, space and tab (the server refuses anything else in a request header anyway).</summary>
    private static bool Echoable(string? value) =>
        value is not null && value.All(c => c is '\t' or (>= ' ' and <= '~'));

    private static void SecurityHeaders(IHeaderDictionary headers)
    {
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = headers.CacheControl.Count == 0 ? "no-store" : headers.CacheControl;
    }
}
