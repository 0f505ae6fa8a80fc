using FastEndpoints;

namespace Secrets.Audit.Features.QueryAudit;

internal sealed class QueryAuditRequest
{
    [BindFrom("event_type")] public string? EventType { get; init; }
    public string? Effect { get; init; }
    public string? Subject { get; init; }
    [BindFrom("resource_ref")] public string? ResourceRef { get; init; }
    [BindFrom("correlation_id")] public string? CorrelationId { get; init; }
    [BindFrom("decision_id")] public string? DecisionId { get; init; }
    public DateTimeOffset? Since { get; init; }
    public int Offset { get; init; }
    public int Limit { get; init; } = 100;
}
