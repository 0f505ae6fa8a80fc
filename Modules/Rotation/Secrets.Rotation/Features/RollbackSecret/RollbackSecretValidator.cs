using FastEndpoints;
using FluentValidation;
using Secrets.Shared.Kernel;

namespace Secrets.Rotation.Features.RollbackSecret;

internal sealed class RollbackSecretValidator : Validator<RollbackSecretRequest>
{
    public RollbackSecretValidator()
    {
        RuleFor(x => x.Uri).NotEmpty().MaximumLength(CanonicalSecretUri.MaxLength);
        RuleFor(x => x.ToVersion).GreaterThan(0).OverridePropertyName("to_version");
    }
}
