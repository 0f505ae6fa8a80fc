using FastEndpoints;
using FluentValidation;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Features.ReadSecretValue;

internal sealed class ReadSecretValueValidator : Validator<ReadSecretValueRequest>
{
    public ReadSecretValueValidator()
    {
        RuleFor(x => x.Uri).NotEmpty().MaximumLength(CanonicalSecretUri.MaxLength);
        RuleFor(x => x.Version).GreaterThan(0);
    }
}
