namespace Secrets.Shared.Kernel;

/// <summary>
/// What one operation on a secret came to, as the access pipeline saw it: the purpose and URI it was
/// for, the PEP's decision, the KV version it read or wrote, and the problem it ended with (null on
/// success). <see cref="Source"/> is the other secret of a copy or move, read at <see cref="SourceKvVersion"/>; <see cref="RelatedDecisionIds"/>
/// are the decisions of the request's other uses. The audit trail turns each outcome into one record.
/// </summary>
public sealed record OperationOutcome(
    Purpose Purpose,
    CanonicalSecretUri? Uri,
    string? DecisionId,
    int? KvVersion,
    SecretsProblem? Problem)
{
    public CanonicalSecretUri? Source { get; init; }

    /// <summary>The version of the source that was read (copy, move).</summary>
    public int? SourceKvVersion { get; init; }

    public IReadOnlyList<string> RelatedDecisionIds { get; init; } = [];

    /// <summary>The use was permitted by a cached grant, without asking the PDP.</summary>
    public bool CacheHit { get; init; }

    /// <summary>A gated destroy: the approval this outcome requested, granted, let expire or carried out (the evidence).</summary>
    public string? ApprovalId { get; init; }

    /// <summary>The step of a gated destroy this outcome is; <see cref="ApprovalStep.None"/> for the operation itself.</summary>
    public ApprovalStep ApprovalStep { get; init; }

    /// <summary>A scheduled rotation: the name of the schedule that ran it.</summary>
    public string? Schedule { get; init; }

    /// <summary>A backup: how many paths it listed below its prefix.</summary>
    public int? ItemCount { get; init; }
}
