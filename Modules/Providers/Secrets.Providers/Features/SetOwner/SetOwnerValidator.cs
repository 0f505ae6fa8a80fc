using FastEndpoints;
using FluentValidation;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Features.SetOwner;

internal sealed class SetOwnerValidator : Validator<SetOwnerRequest>
{
    public SetOwnerValidator()
    {
        RuleFor(x => x.Uri).NotEmpty().MaximumLength(CanonicalSecretUri.MaxLength);
        RuleFor(x => x.Owner).NotEmpty().MaximumLength(256);
    }
}
