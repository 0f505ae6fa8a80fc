using FastEndpoints;
using FluentValidation;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Features.WriteSecret;

internal sealed class WriteSecretValidator : Validator<WriteSecretRequest>
{
    public WriteSecretValidator()
    {
        RuleFor(x => x.Uri).NotEmpty().MaximumLength(CanonicalSecretUri.MaxLength);
        RuleFor(x => x.Value).Must(v => v is { IsNull: false }).WithMessage("'value' is required.");
        RuleFor(x => x.Cas).GreaterThanOrEqualTo(0);
    }
}
