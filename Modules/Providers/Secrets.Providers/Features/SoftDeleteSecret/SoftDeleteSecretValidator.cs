using FastEndpoints;
using FluentValidation;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Features.SoftDeleteSecret;

internal sealed class SoftDeleteSecretValidator : Validator<SoftDeleteSecretRequest>
{
    public SoftDeleteSecretValidator() => RuleFor(x => x.Uri).NotEmpty().MaximumLength(CanonicalSecretUri.MaxLength);
}
