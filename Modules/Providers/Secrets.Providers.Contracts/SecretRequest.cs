using Secrets.Shared.Kernel;

namespace Secrets.Providers.Contracts;

/// <summary>
/// What one request asks of the access pipeline: its targets (its audit record is about the first
/// that is not a source) and the request's own checks. <see cref="CheckShape"/> is the endpoint's validation of its
/// body or query, run right after the scope check; <see cref="CheckTargets"/> relates the parsed URIs to
/// each other (copy: same shape, not the same secret) before anything is authorised.
/// </summary>
public sealed record SecretRequest(IReadOnlyList<SecretTarget> Targets)
{
    public SecretRequest(SecretTarget target)
        : this([target])
    {
    }

    public Action? CheckShape { get; init; }

    public Func<IReadOnlyList<CanonicalSecretUri>, ErrorCode?>? CheckTargets { get; init; }
}
