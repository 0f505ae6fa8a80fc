using FastEndpoints;
using FluentValidation;
using Secrets.Audit.Log;
using Secrets.Shared.Kernel;

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

internal sealed class QueryAuditValidator : Validator<QueryAuditRequest>
{
    public const int MaxLimit = 1000;

    public QueryAuditValidator()
    {
        RuleFor(x => x.Offset).GreaterThanOrEqualTo(0);
        RuleFor(x => x.Limit).InclusiveBetween(1, MaxLimit);
        RuleFor(x => x.Effect).Must(e => e is null or "permit" or "deny" or "success" or "failure")
            .WithMessage("'effect' must be permit, deny, success or failure.");
    }
}

internal sealed record AuditPage(IReadOnlyList<AuditEvent> Items, int Offset, int Limit, int Total, int? NextOffset);

/// <summary>GET /api/secrets/audit: the in-memory audit ring buffer, newest first, filtered and paginated (dev helper).</summary>
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
            (req.EventType is null || string.Equals(e.EventType, req.EventType, StringComparison.OrdinalIgnoreCase)) &&
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
