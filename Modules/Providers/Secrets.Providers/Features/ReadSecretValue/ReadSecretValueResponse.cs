using Secrets.Shared.Kernel;

namespace Secrets.Providers.Features.ReadSecretValue;

internal sealed record ReadSecretValueResponse(string Uri, int? Version, SecretValue Value);
