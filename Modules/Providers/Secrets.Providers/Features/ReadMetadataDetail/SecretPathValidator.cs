using FastEndpoints;
using FluentValidation;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Features.ReadMetadataDetail;

internal sealed class SecretPathValidator : Validator<SecretPathRequest>
{
    public SecretPathValidator() => RuleFor(x => x.Uri).NotEmpty().MaximumLength(CanonicalSecretUri.MaxLength);
}
