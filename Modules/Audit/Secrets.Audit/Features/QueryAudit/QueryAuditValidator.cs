using FastEndpoints;
using FluentValidation;

namespace Secrets.Audit.Features.QueryAudit;

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
