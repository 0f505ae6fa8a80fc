using FastEndpoints;
using FluentValidation;
using Secrets.Shared.Kernel;

namespace Secrets.Rotation.Features.BulkOperations;

internal sealed class BulkValidator : Validator<BulkRequest>
{
    private static readonly string[] Ops = ["set", "delete", "undelete", "destroy", "rotate"];

    public BulkValidator()
    {
        var max = Resolve<BulkLimits>().MaxOperations;   // BULK_MAX_OPERATIONS
        RuleFor(x => x.Operations).NotEmpty().Must(o => o is null || o.Count <= max)
            .WithMessage($"'operations' takes at most {max} entries (BULK_MAX_OPERATIONS).");
        RuleForEach(x => x.Operations).NotNull().ChildRules(op =>
        {
            op.RuleFor(o => o.Op).Must(Ops.Contains).WithMessage("'op' must be set, delete, undelete, destroy or rotate.");
            op.RuleFor(o => o.Uri).NotEmpty().MaximumLength(CanonicalSecretUri.MaxLength);
            op.RuleFor(o => o.Value).Must(v => v is { IsNull: false }).When(o => o.Op is "set" or "rotate")
                .WithMessage("'value' is required for set and rotate.");
            op.RuleFor(o => o.Versions).NotEmpty().When(o => o.Op is "undelete");
            op.RuleFor(o => o.Versions).Must(v => v is null || v.Count > 0).When(o => o.Op is "destroy")
                .WithMessage("'versions' must not be empty.");
            op.RuleForEach(o => o.Versions).GreaterThan(0);
        });
    }
}
