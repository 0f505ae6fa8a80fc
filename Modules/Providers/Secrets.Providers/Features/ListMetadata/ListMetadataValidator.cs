using FastEndpoints;
using FluentValidation;
using Secrets.Providers.Access;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Features.ListMetadata;

internal sealed class ListMetadataValidator : Validator<ListMetadataRequest>
{
    public ListMetadataValidator()
    {
        RuleFor(x => x.Prefix).NotEmpty().MaximumLength(CanonicalSecretUri.MaxLength);
        this.AddPagingRules();
    }
}
