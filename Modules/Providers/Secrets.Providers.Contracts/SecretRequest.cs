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

    /// <summary>
    /// A gated destroy's approval (docs/API.md#gated-destroy): runs once the PEP permitted the use and before the work.
    /// What it throws is the request's answer, audited as the target's step (<see cref="ApprovalStep.Approved"/>); once
    /// it returns, that step gets its own record, and the work's outcome follows as the operation itself.
    /// </summary>
    public Func<CancellationToken, Task>? Approve { get; init; }
}
