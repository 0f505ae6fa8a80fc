using Microsoft.Extensions.Logging;
using Secrets.Audit.Contracts;
using Secrets.Shared.Kernel;

namespace Secrets.Audit.Log;

/// <summary>
/// The audit trail: every record becomes one <see cref="AuditEvent"/> in the ring buffer and on the SSE
/// stream, and a log line when <c>AUDIT_LOG</c> asks for it (every record, or denies and failures only).
/// </summary>
internal sealed partial class AuditTrail(AuditLog log, TenantContext tenant, AuditOptions options, ILogger<AuditTrail> logger) : IAuditTrail
{
    public void Write(AuditRecord record)
    {
        var e = log.Append(id => ToEvent(id, record));
        var logged = options.LogLines switch
        {
            AuditLogLines.All => true,
            AuditLogLines.Failures => record.Effect is AuditEffect.Deny or AuditEffect.Failure,
            _ => false,
        };
        if (logged)
            LogAudit(logger, e.EventType, e.Effect, e.Purpose, e.ResourceRef, e.Subject, e.DecisionId, e.KvVersion, e.ErrorCode, e.CorrelationId);
    }

    private AuditEvent ToEvent(long id, AuditRecord r) => new(
        id,
        EventTypeName(r.Type),
        r.Time,
        tenant.TenantId,
        r.Caller.Subject,
        r.Caller.ClientId,
        r.Purpose?.Name(),
        EffectNames[(int)r.Effect],
        r.Uri is null ? null : tenant.ResourceRef(r.Uri),
        r.Uri?.Provider,
        r.DecisionId,
        r.KvVersion,
        r.Caller.CorrelationId,
        r.TraceId,
        r.SpanId,
        r.ErrorCode,
        options.IncludeRawUri ? r.Uri?.ToString() : null,
        r.Source is null ? null : tenant.ResourceRef(r.Source),
        options.IncludeRawUri ? r.Source?.ToString() : null,
        r.SourceKvVersion,
        r.RelatedDecisionIds.Count == 0 ? null : r.RelatedDecisionIds);

    private static readonly string[] EffectNames = Enum.GetNames<AuditEffect>().Select(n => n.ToLowerInvariant()).ToArray();

    private static readonly Dictionary<AuditType, string> Names = Enum.GetValues<AuditType>().ToDictionary(
        t => t, t => string.Concat(t.ToString().Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + c : c.ToString())).ToUpperInvariant());

    /// <summary>SecretRead → SECRET_READ.</summary>
    public static string EventTypeName(AuditType type) => Names[type];

    [LoggerMessage(Level = LogLevel.Information,
        Message = "audit {EventType} {Effect} purpose={Purpose} resource_ref={ResourceRef} subject={Subject} decision_id={DecisionId} kv_version={KvVersion} error_code={ErrorCode} correlation_id={CorrelationId}")]
    private static partial void LogAudit(ILogger logger, string eventType, string effect, string? purpose, string? resourceRef, string subject,
        string? decisionId, int? kvVersion, string? errorCode, string correlationId);
}
