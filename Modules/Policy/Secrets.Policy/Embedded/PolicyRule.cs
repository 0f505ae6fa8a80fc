using System.Collections.Frozen;
using Secrets.Policy.Decisions;
using Secrets.Shared.Kernel;

namespace Secrets.Policy.Embedded;

internal enum RuleEffect
{
    Permit,
    Deny,
}

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
        if (!Purposes.Contains(purpose))
            return false;
        if (!MatchesResource(request.Resource.Uri))
            return false;
        if (Subjects is not null && !Subjects.Contains(request.Subject.Id))
            return false;
        if (!MatchesClient(request.Subject.ClientId))
            return false;
        if (Tenants is not null && (TenantOf(request) is not { } tenant || !Tenants.Contains(tenant)))
            return false;
        for (var i = 0; i < When.Count; i++)
        {
            if (!When[i].Holds(request))
                return false;
        }
        return true;
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

/// <summary>
/// A resource pattern: a canonical secret URI, exact (optionally with a fragment) or with a terminal
/// <c>/*</c> (a bare mount is the same as <c>mount/*</c>). Provider, engine and mount always match exactly.
/// </summary>
internal sealed class ResourcePattern
{
    private readonly string scheme;
    private readonly string mount;
    private readonly string path;
    private readonly string? fragment;
    private readonly bool isPrefix;
    private readonly string below;   // path + "/": what every path below a prefix pattern starts with

    public ResourcePattern(CanonicalSecretUri pattern)
    {
        scheme = pattern.Scheme;
        mount = pattern.Mount;
        path = pattern.Path;
        fragment = pattern.Fragment;
        isPrefix = pattern.IsPrefix;
        below = path.Length == 0 ? "" : path + "/";
        Text = pattern.ToString();
    }

    /// <summary>The pattern in canonical form.</summary>
    public string Text { get; }

    public override string ToString() => Text;

    public bool Matches(CanonicalSecretUri uri)
    {
        if (!string.Equals(uri.Scheme, scheme, StringComparison.Ordinal) || !string.Equals(uri.Mount, mount, StringComparison.Ordinal))
            return false;
        if (!isPrefix)   // one path: any of its keys, or just the pattern's key; never a listing
            return !uri.IsPrefix && string.Equals(uri.Path, path, StringComparison.Ordinal)
                && (fragment is null || string.Equals(uri.Fragment, fragment, StringComparison.Ordinal));
        if (uri.IsPrefix && string.Equals(uri.Path, path, StringComparison.Ordinal))
            return true;   // a listing at the pattern's own level
        return uri.Path.StartsWith(below, StringComparison.Ordinal) && uri.Path.Length > below.Length;
    }
}

/// <summary>The purposes of a rule as a bit set over <see cref="Purpose"/>.</summary>
internal readonly record struct PurposeSet(int Bits)
{
    public static readonly PurposeSet All = new(Enum.GetValues<Purpose>().Aggregate(0, (bits, p) => bits | Bit(p)));

    /// <summary>Purpose names in documented order, for messages.</summary>
    public static readonly IReadOnlyList<string> Names = Enum.GetValues<Purpose>().Select(p => p.Name()).ToArray();

    private static readonly FrozenDictionary<string, int> ByName =
        Enum.GetValues<Purpose>().ToFrozenDictionary(p => p.Name(), Bit, StringComparer.Ordinal);

    public static int Bit(Purpose purpose) => 1 << (int)purpose;

    /// <summary>The bit of a purpose name (an AuthZEN action); 0 for a name that is no purpose, which no rule matches.</summary>
    public static int BitOf(string? action) => action is not null && ByName.TryGetValue(action, out var bit) ? bit : 0;

    public static bool TryParse(string name, out int bit) => ByName.TryGetValue(name, out bit);

    public bool Contains(int bit) => bit != 0 && (Bits & bit) == bit;
}

internal enum ResourceAttribute
{
    Owner,
    CreatedBy,
}

internal enum ConditionValue
{
    Subject,
    Client,
    Literal,
}

/// <summary>
/// A <c>when</c> condition: the resource attribute equals the subject id, the client id or a
/// literal (ordinal). A missing or empty attribute, or a missing client, never holds.
/// </summary>
internal sealed record AttributeCondition(ResourceAttribute Attribute, ConditionValue Value, string? Literal)
{
    public bool Holds(PolicyRequest request)
    {
        var attributes = request.Resource.Attributes;
        var actual = Attribute == ResourceAttribute.Owner ? attributes.Owner : attributes.CreatedBy;
        if (string.IsNullOrEmpty(actual))
            return false;
        var expected = Value switch
        {
            ConditionValue.Subject => request.Subject.Id,
            ConditionValue.Client => request.Subject.ClientId,
            _ => Literal,
        };
        return !string.IsNullOrEmpty(expected) && string.Equals(actual, expected, StringComparison.Ordinal);
    }
}
