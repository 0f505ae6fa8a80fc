using FastEndpoints;
using FluentValidation;
using Secrets.Shared.Kernel;

namespace Secrets.Rotation.Features.BulkOperations;

internal sealed class BulkValidator : Validator<BulkRequest>
{
    public const int MaxOperations = 100;
    private static readonly string[] Ops = ["set", "delete", "undelete", "destroy", "rotate"];

    public BulkValidator()
    {
        RuleFor(x => x.Operations).NotEmpty().Must(o => o is null || o.Count <= MaxOperations)
            .WithMessage($"'operations' takes at most {MaxOperations} entries.");
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
