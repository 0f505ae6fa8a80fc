using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Secrets.Audit.Contracts;
using Secrets.Shared.Kernel;

namespace Secrets.Audit.Settlement;

/// <summary>
/// The one place that decides the audit records of a request to a secret endpoint (one carrying
/// <see cref="AuditedAs"/>). It opens the request's <see cref="OperationScope"/>; the access pipeline
/// reports each operation's outcome into it; when the request ends, every outcome becomes one record.
/// A request refused before any operation ran (its body or query did not bind, a bug) gets one record
/// of its own, with the code it was answered with.
/// </summary>
internal sealed partial class AuditSettlement(RequestDelegate next, IAuditTrail trail, ILogger<AuditSettlement> log)
{
    public async Task InvokeAsync(HttpContext http)
    {
        if (http.GetEndpoint()?.Metadata.GetMetadata<AuditedAs>() is not { } audited)
        {
            await next(http);
            return;
        }
        var scope = new OperationScope(http.Features.Get<Caller>() ?? Caller.Anonymous(http.TraceIdentifier));
        http.Features.Set(scope);
        ErrorCode? thrown = null;
        try
        {
            await next(http);
        }
        catch (Exception ex)
        {
            thrown = ex switch
            {
                SecretsProblem problem => problem.Code,
                OperationCanceledException when http.RequestAborted.IsCancellationRequested => ErrorCode.RequestAborted,
                _ => ErrorCode.ForStatus((ex as BadHttpRequestException)?.StatusCode ?? 500),
            };
            throw;
        }
        finally
        {
            Settle(http, audited, scope, thrown);
        }
    }

    private void Settle(HttpContext http, AuditedAs audited, OperationScope scope, ErrorCode? thrown)
    {
        if (scope.Count > 0)
        {
            foreach (var outcome in scope.Outcomes)
                trail.Write(OutcomeRecords.For(audited, scope.Caller, outcome));
            return;
        }
        var status = http.Response.StatusCode;
        if (thrown is null && status < 400)
            LogUnreported(log, http.Request.Path.Value ?? "");   // a secret endpoint answered without the access pipeline
        trail.Write(OutcomeRecords.ForRequest(audited, scope.Caller, thrown ?? ErrorCode.ForStatus(status < 400 ? 500 : status)));
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "secret endpoint {Path} answered without reporting an outcome")]
    private static partial void LogUnreported(ILogger logger, string path);
}
