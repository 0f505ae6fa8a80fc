using FastEndpoints;
using FluentValidation;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Features.ListKeys;

internal sealed class ListKeysValidator : Validator<ListKeysRequest>
{
    public ListKeysValidator() => RuleFor(x => x.Uri).NotEmpty().MaximumLength(CanonicalSecretUri.MaxLength);
}
