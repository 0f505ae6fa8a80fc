namespace Secrets.Shared.Kernel;

/// <summary>
/// Which step of a gated destroy (docs/API.md#gated-destroy) an operation is: the request that asks for the destroy, the
/// second person's approval, the approval's expiry, or — <see cref="None"/> — the operation itself (the destroy the
/// approval allowed, or any operation that needs no approval). The audit record's type follows the step.
/// </summary>
public enum ApprovalStep
{
    None,
    Requested,
    Approved,
    Expired,
}
