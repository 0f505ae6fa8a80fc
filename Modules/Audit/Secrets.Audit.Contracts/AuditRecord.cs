using System.Diagnostics;
using Secrets.Shared.Kernel;

namespace Secrets.Audit.Contracts;

/// <summary>
/// The one audit contract (docs/AUDIT.md). It has no field that could hold a secret value; Audit turns
/// <see cref="Uri"/> and <see cref="Source"/> into resource_refs and shows raw URIs only in dev.
/// </summary>
public sealed record AuditRecord(
    AuditType Type,
    AuditEffect Effect,
    CanonicalSecretUri? Uri,
    Purpose? Purpose,
    Caller Caller,
    string? DecisionId,
    int? KvVersion,
    string? ErrorCode,
    DateTimeOffset Time,
    string? TraceId,
    string? SpanId)
{
    /// <summary>The other secret of a copy or move (the one read, and for a move deleted).</summary>
    public CanonicalSecretUri? Source { get; init; }

    /// <summary>The version of the source that was read.</summary>
    public int? SourceKvVersion { get; init; }

    /// <summary>The decisions of the request's other uses (copy, move).</summary>
    public IReadOnlyList<string> RelatedDecisionIds { get; init; } = [];

    /// <summary>A rotation: the KVv2 version it replaced (the new one is <see cref="KvVersion"/>).</summary>
    public int? PreviousKvVersion { get; init; }

    /// <summary>The use was answered from a cached grant, without asking the PDP: such reads may be sampled (docs/AUDIT.md#sampling).</summary>
    public bool CacheHit { get; init; }

    /// <summary>A gated destroy's approval id: on its request, its approval, its expiry and the destroy it allowed.</summary>
    public string? ApprovalId { get; init; }

    /// <summary>The rotation schedule that ran this operation (no caller asked for it).</summary>
    public string? Schedule { get; init; }

    /// <summary>A backup: how many paths it listed below its prefix.</summary>
    public int? ItemCount { get; init; }

    public static AuditRecord Create(AuditType type, AuditEffect effect, CanonicalSecretUri? uri, Purpose? purpose, Caller caller,
        string? decisionId, int? kvVersion, string? errorCode)
    {
        var activity = Activity.Current;
        return new AuditRecord(type, effect, uri, purpose, caller, decisionId, kvVersion, errorCode, DateTimeOffset.UtcNow,
            activity?.TraceId.ToHexString(), activity?.SpanId.ToHexString());
    }
}
