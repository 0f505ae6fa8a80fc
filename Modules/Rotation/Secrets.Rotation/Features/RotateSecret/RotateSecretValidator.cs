using FastEndpoints;
using FluentValidation;
using Secrets.Rotation.Generation;
using Secrets.Shared.Kernel;

namespace Secrets.Rotation.Features.RotateSecret;

internal sealed class RotateSecretValidator : Validator<RotateSecretRequest>
{
    public RotateSecretValidator()
    {
        RuleFor(x => x.Uri).NotEmpty().MaximumLength(CanonicalSecretUri.MaxLength);
        RuleFor(x => x.Value).Must(v => v is { IsNull: false }).When(x => x.Generate is null)
            .WithMessage("'value' or 'generate' is required.");
        RuleFor(x => x.Value).Null().When(x => x.Generate is not null).WithMessage("'value' and 'generate' exclude each other.");
        RuleFor(x => x.Generate!).SetValidator(new GenerateSpecValidator()).When(x => x.Generate is not null);
        RuleFor(x => x.ReturnValue).Equal(false).When(x => x.Generate is null).OverridePropertyName("return_value")
            .WithMessage("'return_value' applies to a generated value.");
    }
}
