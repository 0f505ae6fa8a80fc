using FastEndpoints;
using FluentValidation;
using Secrets.Shared.Kernel;

namespace Secrets.Rotation.Features.RotateSecret;

internal sealed class RotateSecretValidator : Validator<RotateSecretRequest>
{
    public RotateSecretValidator()
    {
        RuleFor(x => x.Uri).NotEmpty().MaximumLength(CanonicalSecretUri.MaxLength);
        RuleFor(x => x.Value).Must(v => v is { IsNull: false }).WithMessage("'value' is required.");
    }
}
