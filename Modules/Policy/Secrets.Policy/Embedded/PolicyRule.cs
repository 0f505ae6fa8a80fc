using System.Collections.Frozen;
using Secrets.Policy.Decisions;
using Secrets.Shared.Kernel;

namespace Secrets.Policy.Embedded;

/// <summary>
/// One compiled rule of the policy file. Everything a match needs is prepared at load time, so
/// <see cref="Matches"/> only compares: no parsing, no allocation.
/// </summary>
internal sealed class PolicyRule
{
    public required string Id { get; init; }
    /// <summary>1-based position in the file.</summary>
    public required int Index { get; init; }
    public required long Line { get; init; }
    public string? Description { get; init; }
    public required RuleEffect Effect { get; init; }
    /// <summary>Null: any subject, <c>anonymous</c> included.</summary>
    public FrozenSet<string>? Subjects { get; init; }
    /// <summary>Null: any caller, with or without a client.</summary>
    public FrozenSet<string>? Clients { get; init; }
    /// <summary><c>clients: ["*"]</c>: any caller that has a client id.</summary>
    public bool AnyPresentClient { get; init; }
    /// <summary>Null: any tenant.</summary>
    public FrozenSet<string>? Tenants { get; init; }
    public required IReadOnlyList<ResourcePattern> Resources { get; init; }
    public required PurposeSet Purposes { get; init; }
    public IReadOnlyList<AttributeCondition> When { get; init; } = [];
    public int? TtlSeconds { get; init; }
    public int? MaxUses { get; init; }
    public string? RequireBinding { get; init; }

    /// <summary>"permitted by rule X" or "denied by rule X", built at load (<see cref="ReasonFor"/>).</summary>
    public required string Reason { get; init; }

    public static string ReasonFor(RuleEffect effect, string id) => (effect == RuleEffect.Deny ? "denied by rule " : "permitted by rule ") + id;

    /// <summary>Whether every condition of the rule holds for <paramref name="request"/>; <paramref name="purpose"/> is its action's bit.</summary>
    public bool Matches(PolicyRequest request, int purpose)
    {
        if (!AppliesTo(request.Subject, request.Resource.TenantId, purpose))
            return false;
        if (!MatchesResource(request.Resource.Uri))
            return false;
        if (When.Count > 0 && request.Resource.Attributes.IsUnknown)
            return Effect == RuleEffect.Deny;   // attributes not read (a listing): a condition may hold for a deny, never for a permit
        for (var i = 0; i < When.Count; i++)
        {
            if (!When[i].Holds(request))
                return false;
        }
        return true;
    }

    /// <summary>
    /// Whether the rule speaks of <paramref name="subject"/> asking for <paramref name="purpose"/> about secrets of
    /// <paramref name="tenantId"/>: every condition but the resource and <c>when</c>.
    /// </summary>
    public bool AppliesTo(PolicySubject subject, string? tenantId, int purpose)
    {
        ArgumentNullException.ThrowIfNull(subject);
        if (!Purposes.Contains(purpose))
            return false;
        if (Subjects is not null && !Subjects.Contains(subject.Id))
            return false;
        if (!MatchesClient(subject.ClientId))
            return false;
        return Tenants is null || ((tenantId ?? subject.TenantId) is { } tenant && Tenants.Contains(tenant));
    }

    /// <summary>The tenant a rule's <c>tenants</c> checks: the resource's, else the subject's.</summary>
    public static string? TenantOf(PolicyRequest request) => request.Resource.TenantId ?? request.Subject.TenantId;

    private bool MatchesResource(CanonicalSecretUri uri)
    {
        for (var i = 0; i < Resources.Count; i++)
        {
            if (Resources[i].Matches(uri))
                return true;
        }
        return false;
    }

    private bool MatchesClient(string? clientId)
    {
        if (AnyPresentClient)
            return !string.IsNullOrEmpty(clientId);
        return Clients is null || (clientId is not null && Clients.Contains(clientId));
    }
}
