using FastEndpoints;
using FluentValidation;
using Secrets.Audit.Integrity;
using Secrets.Audit.Log;
using Secrets.Shared.Kernel;

namespace Secrets.Audit.Features.QueryAudit;

/// <summary>
/// GET /api/secrets/audit: the <c>data</c> of the events in the in-memory ring buffer, newest first, filtered and
/// paginated (dev helper). Checkpoints are left out unless <c>event_type=AUDIT_CHECKPOINT</c> asks for them.
/// </summary>
internal sealed class QueryAuditEndpoint(AuditLog log, AuditOptions options, TokenRequirements token) : Endpoint<QueryAuditRequest, AuditPage>
{
    public override void Configure()
    {
        Get("/api/secrets/audit");
        DontThrowIfValidationFails();   // a switched-off endpoint answers 404 whatever the query: validation must not reveal it
        Summary(s => s.Summary = "Query the in-memory audit buffer (dev; off in prod)");
    }

    public override async Task HandleAsync(QueryAuditRequest req, CancellationToken ct)
    {
        if (!options.DevEndpoints)
            throw new SecretsProblem(ErrorCode.NotFound);
        token.DemandScope(HttpContext.Features.Get<Caller>() ?? Caller.Anonymous(HttpContext.TraceIdentifier), SecretScopes.ReadMetadata);
        ThrowIfAnyErrors();
        var matches = log.Snapshot().Where(e =>
            (req.EventType is null ? e.EventType != AuditCheckpoints.EventType : string.Equals(e.EventType, req.EventType, StringComparison.OrdinalIgnoreCase)) &&
            (req.Effect is null || e.Effect == req.Effect) &&
            (req.Subject is null || e.Subject == req.Subject) &&
            (req.ResourceRef is null || e.ResourceRef == req.ResourceRef) &&
            (req.CorrelationId is null || e.CorrelationId == req.CorrelationId) &&
            (req.DecisionId is null || e.DecisionId == req.DecisionId) &&
            (req.Since is null || e.Time >= req.Since)).ToList();
        var items = matches.Skip(req.Offset).Take(req.Limit).ToList();
        int? next = req.Offset + items.Count < matches.Count ? req.Offset + items.Count : null;
        await Send.OkAsync(new AuditPage(items, req.Offset, req.Limit, matches.Count, next), ct);
    }
}
