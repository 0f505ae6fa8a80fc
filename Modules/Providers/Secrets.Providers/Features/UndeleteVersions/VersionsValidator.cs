using FastEndpoints;
using FluentValidation;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Features.UndeleteVersions;

internal sealed class VersionsValidator : Validator<VersionsRequest>
{
    public const int MaxVersions = 100;

    public VersionsValidator()
    {
        RuleFor(x => x.Uri).NotEmpty().MaximumLength(CanonicalSecretUri.MaxLength);
        RuleFor(x => x.Versions).NotEmpty().Must(v => v is null || v.Count <= MaxVersions)
            .WithMessage($"'versions' takes at most {MaxVersions} entries.");
        RuleForEach(x => x.Versions).GreaterThan(0);
    }
}
