using Secrets.Policy.Contracts;
using Secrets.Policy.Decisions;
using Secrets.Shared.Kernel;

namespace Secrets.Policy.Embedded;

/// <summary>
/// A loaded, validated policy file. Any matching deny rule denies; otherwise the first matching
/// permit rule in file order permits with its obligations; otherwise deny ("no matching rule").
/// Immutable: a reload builds a new set and swaps it in whole.
/// </summary>
internal sealed class PolicySet
{
    public const string NoMatchingRule = "no matching rule";

    private readonly PolicyRule[] denies;
    private readonly PolicyRule[] permits;

    public PolicySet(string source, IReadOnlyList<PolicyRule> rules)
    {
        Source = source;
        Rules = rules;
        denies = rules.Where(r => r.Effect == RuleEffect.Deny).ToArray();
        permits = rules.Where(r => r.Effect == RuleEffect.Permit).ToArray();
    }

    /// <summary>The file the set was loaded from, as named in messages.</summary>
    public string Source { get; }

    /// <summary>Every rule, in file order.</summary>
    public IReadOnlyList<PolicyRule> Rules { get; }

    public AccessVerdict Evaluate(PolicyRequest request)
    {
        var purpose = PurposeSet.BitOf(request.Action);
        if (purpose != 0)
        {
            foreach (var rule in denies)
            {
                if (rule.Matches(request, purpose))
                    return new AccessVerdict(false, DecisionIds.New(), null, null, null, rule.Reason);
            }
            foreach (var rule in permits)
            {
                if (rule.Matches(request, purpose))
                    return new AccessVerdict(true, DecisionIds.New(), rule.TtlSeconds, rule.MaxUses, rule.RequireBinding, rule.Reason);
            }
        }
        return new AccessVerdict(false, DecisionIds.New(), null, null, null, NoMatchingRule);
    }
}
