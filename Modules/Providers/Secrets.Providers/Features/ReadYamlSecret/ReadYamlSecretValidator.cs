using FastEndpoints;
using FluentValidation;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Features.ReadYamlSecret;

internal sealed class ReadYamlSecretValidator : Validator<ReadYamlSecretRequest>
{
    public ReadYamlSecretValidator() => RuleFor(x => x.Uri).NotEmpty().MaximumLength(CanonicalSecretUri.MaxLength);
}
