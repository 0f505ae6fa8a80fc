using FastEndpoints;
using FluentValidation;
using Secrets.Shared.Kernel;

namespace Secrets.Rotation.Features.CopySecret;

internal sealed class CopySecretValidator : Validator<CopySecretRequest>
{
    public CopySecretValidator()
    {
        RuleFor(x => x.FromUri).NotEmpty().MaximumLength(CanonicalSecretUri.MaxLength);
        RuleFor(x => x.ToUri).NotEmpty().MaximumLength(CanonicalSecretUri.MaxLength);
    }
}
