using Secrets.Shared.Kernel;

namespace Secrets.Providers.Features.ReadYamlSecret;

internal sealed record FragmentValueResponse(SecretValue Value);
