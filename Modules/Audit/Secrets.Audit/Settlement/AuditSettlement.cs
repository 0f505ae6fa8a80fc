using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Secrets.Audit.Contracts;
using Secrets.Audit.Outbox;
using Secrets.Shared.Kernel;

namespace Secrets.Audit.Settlement;

/// <summary>
/// The one place that decides the audit records of a request to a secret endpoint (one carrying
/// <see cref="AuditedAs"/>). It opens the request's <see cref="OperationScope"/>; the access pipeline
/// reports each operation's outcome into it; when the request ends, every outcome becomes one record.
/// A request refused before any operation ran (its body or query did not bind, a bug) gets one record
/// of its own, with the code it was answered with.
/// </summary>
internal sealed partial class AuditSettlement(RequestDelegate next, OperationAudit audit, AuditDurability durability, ILogger<AuditSettlement> log)
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
        var settling = new Settling(this, http, audited, scope);
        if (durability.Enabled)
            http.Response.OnStarting(static s => ((Settling)s).SettleAsync(null, final: false), settling);   // on disk before the answer starts
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
            await settling.SettleAsync(thrown, final: true);
        }
    }

    /// <summary>
    /// One request's records: the outcomes reported so far that have no record yet (when the answer starts, and again
    /// when the request ends), and at the end, for a request that reported none, one record of its own.
    /// </summary>
    private sealed class Settling(AuditSettlement owner, HttpContext http, AuditedAs audited, OperationScope scope)
    {
        private int settled;
        private bool requestRecorded;

        public async Task SettleAsync(ErrorCode? thrown, bool final)
        {
            var outcomes = scope.Count;
            if (outcomes > settled)
            {
                foreach (var outcome in scope.Outcomes.Skip(settled).Take(outcomes - settled))
                {
                    settled++;
                    await owner.WriteAsync(OutcomeRecords.For(audited, scope.Caller, outcome));
                }
                return;
            }
            if (!final || outcomes > 0 || requestRecorded)
                return;
            requestRecorded = true;
            var status = http.Response.StatusCode;
            if (thrown is null && status < 400)
                owner.Unreported(http);   // a secret endpoint answered without the access pipeline
            await owner.WriteAsync(OutcomeRecords.ForRequest(audited, scope.Caller, thrown ?? ErrorCode.ForStatus(status < 400 ? 500 : status)));
        }
    }

    private void Unreported(HttpContext http) => LogUnreported(log, http.Request.Path.Value ?? "");

    private ValueTask WriteAsync(AuditRecord record) => audit.WriteAsync(record, CancellationToken.None);

    [LoggerMessage(Level = LogLevel.Error, Message = "secret endpoint {Path} answered without reporting an outcome")]
    private static partial void LogUnreported(ILogger logger, string path);
}
