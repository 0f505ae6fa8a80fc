using FastEndpoints;
using FluentValidation;
using Secrets.Rotation.Generation;
using Secrets.Shared.Kernel;

namespace Secrets.Rotation.Features.BulkOperations;

internal sealed class BulkValidator : Validator<BulkRequest>
{
    private static readonly string[] Ops = ["set", "delete", "undelete", "destroy", "rotate", "rollback"];

    public BulkValidator()
    {
        // the upper bound (BULK_MAX_OPERATIONS) is checked by the endpoint, which is made from its own host's services;
        // a validator's Resolve goes through FastEndpoints' one process-wide resolver
        RuleFor(x => x.Operations).NotEmpty();
        RuleForEach(x => x.Operations).NotNull().ChildRules(op =>
        {
            op.RuleFor(o => o.Op).Must(Ops.Contains).WithMessage("'op' must be set, delete, undelete, destroy, rotate or rollback.");
            op.RuleFor(o => o.Uri).NotEmpty().MaximumLength(CanonicalSecretUri.MaxLength);
            op.RuleFor(o => o.Value).Must(v => v is { IsNull: false }).When(o => o.Op is "set" || (o.Op is "rotate" && o.Generate is null))
                .WithMessage("'value' is required for set, and for rotate without 'generate'.");
            op.RuleFor(o => o.Value).Null().When(o => o.Generate is not null).WithMessage("'value' and 'generate' exclude each other.");
            op.RuleFor(o => o.Generate).Null().When(o => o.Op is not "rotate").WithMessage("'generate' applies to rotate.");
            op.RuleFor(o => o.Generate!).SetValidator(new GenerateSpecValidator()).When(o => o.Generate is not null);
            op.RuleFor(o => o.ToVersion).NotNull().GreaterThan(0).When(o => o.Op is "rollback").OverridePropertyName("to_version");
            op.RuleFor(o => o.ToVersion).Null().When(o => o.Op is not "rollback").OverridePropertyName("to_version")
                .WithMessage("'to_version' applies to rollback.");
            op.RuleFor(o => o.Versions).NotEmpty().When(o => o.Op is "undelete");
            op.RuleFor(o => o.Versions).Must(v => v is null || v.Count > 0).When(o => o.Op is "destroy")
                .WithMessage("'versions' must not be empty.");
            op.RuleForEach(o => o.Versions).GreaterThan(0);
        });
    }
}
