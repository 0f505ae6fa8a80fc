using FastEndpoints;
using FluentValidation;
using Secrets.Providers.Access;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Features.SearchSecrets;

internal sealed class SearchSecretsValidator : Validator<SearchSecretsRequest>
{
    public SearchSecretsValidator()
    {
        RuleFor(x => x.Q).NotEmpty().MaximumLength(256);
        RuleFor(x => x.Prefix).NotEmpty().MaximumLength(CanonicalSecretUri.MaxLength);
        this.AddPagingRules();
    }
}
