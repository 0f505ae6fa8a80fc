using FastEndpoints;
using FluentValidation;
using Secrets.Shared.Kernel;

namespace Secrets.Rotation.Features.BackupSecrets;

internal sealed class BackupSecretsValidator : Validator<BackupSecretsRequest>
{
    public BackupSecretsValidator() => RuleFor(x => x.Prefix).NotEmpty().MaximumLength(CanonicalSecretUri.MaxLength);
}
