using Secrets.Policy.Decisions;
using Secrets.Shared.Kernel;

namespace Secrets.Policy.Embedded;

/// <summary>
/// What the embedded PDP can list (AuthZEN 1.0 §8) from one policy set. Every candidate is asked as a question with
/// the request's other entities, so deny rules and conditions apply exactly as for an evaluation and every result,
/// evaluated, is a permit (§8.1). The candidates come from the rules:
/// actions are every purpose (exact and complete); resources are the resource patterns of the permit rules, exact
/// URIs and terminal <c>/*</c> prefixes, as written (a prefix is a listing the rule permits, not a list of secrets);
/// subjects are the ids the permit rules name (a client search adds the clients they name), and a rule that names no
/// subjects is reported as <see cref="SubjectsFound.AnySubject"/>, since its subjects cannot be listed.
/// Results are in a fixed order (purposes in their order, ids and patterns ordinal), so pages are stable.
/// </summary>
internal static class PolicySearch
{
    /// <summary>A subject id no rule names (ids in a policy file are YAML text, never control characters).</summary>
    private const string UnnamedSubject = "\u0001unnamed";

    public static IReadOnlyList<string> Actions(PolicySet set, PolicySubject subject, PolicyResource resource, PolicyContext context)
    {
        ArgumentNullException.ThrowIfNull(set);
        return Enum.GetValues<Purpose>()
            .Select(p => p.Name())
            .Where(action => set.Evaluate(new PolicyRequest(subject, resource, action, context)).Decision)
            .ToList();
    }

    public static IReadOnlyList<string> Resources(PolicySet set, PolicySubject subject, string action, string? tenantId, ResourceAttributes attributes, PolicyContext context)
    {
        ArgumentNullException.ThrowIfNull(set);
        var bit = PurposeSet.BitOf(action);
        return set.Rules
            .Where(r => r.Effect == RuleEffect.Permit && r.Purposes.Contains(bit))
            .SelectMany(r => r.Resources)
            .DistinctBy(p => p.Text, StringComparer.Ordinal)
            .Where(p => set.Evaluate(new PolicyRequest(subject, new PolicyResource(p.Uri, tenantId, attributes), action, context)).Decision)
            .Select(p => p.Text)
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// Exactly the secrets <paramref name="subject"/> may use for <paramref name="action"/> among those of
    /// <paramref name="within"/> (a listing; null: everywhere), as the patterns of the permit rules that apply (exact URIs
    /// and terminal <c>/*</c> prefixes; one above the listing is the listing itself), each evaluated like a question so
    /// that a deny covering it removes it; in ordinal order. Null when patterns cannot say it exactly, and the caller must evaluate its candidates one by one:
    /// a rule that applies there has a <c>when</c> condition (it depends on each secret's attributes), or a deny rule
    /// that applies covers part of a permitted pattern (the pattern would say too much).
    /// </summary>
    public static IReadOnlyList<string>? Permitted(
        PolicySet set, PolicySubject subject, string action, string? tenantId, PolicyContext context, CanonicalSecretUri? within)
    {
        ArgumentNullException.ThrowIfNull(set);
        var bit = PurposeSet.BitOf(action);
        if (bit == 0)
            return [];
        var listing = within is null ? null : new ResourcePattern(within);
        bool There(ResourcePattern p) => listing is null || p.Matches(within!) || listing.Matches(p.Uri);
        var rules = set.Rules.Where(r => r.AppliesTo(subject, tenantId, bit) && r.Resources.Any(There)).ToList();
        if (rules.Any(r => r.When.Count > 0))
            return null;
        var denied = rules.Where(r => r.Effect == RuleEffect.Deny).SelectMany(r => r.Resources).Where(There).ToList();
        var permitted = new List<string>();
        var candidates = rules.Where(r => r.Effect == RuleEffect.Permit).SelectMany(r => r.Resources).Where(There)
            .Select(p => listing is not null && p.Matches(within!) ? listing : p)   // a pattern above the listing: just the listing
            .DistinctBy(p => p.Text, StringComparer.Ordinal);
        foreach (var pattern in candidates)
        {
            if (!set.Evaluate(new PolicyRequest(subject, new PolicyResource(pattern.Uri, tenantId, ResourceAttributes.None), action, context)).Decision)
                continue;   // a deny covers all of it
            if (denied.Any(d => d.Text != pattern.Text && pattern.Matches(d.Uri)))
                return null;
            permitted.Add(pattern.Text);
        }
        return permitted.Order(StringComparer.Ordinal).ToList();
    }

    /// <param name="template">The searched-for subject's type and properties; its id is replaced by each candidate's.</param>
    public static SubjectsFound Subjects(PolicySet set, PolicySubject template, PolicyResource resource, string action, PolicyContext context)
    {
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(template);
        var bit = PurposeSet.BitOf(action);
        var client = template.Type == "client";
        var permits = set.Rules.Where(r => r.Effect == RuleEffect.Permit && r.Purposes.Contains(bit)).ToList();
        var candidates = permits.SelectMany(r => r.Subjects ?? (IEnumerable<string>)[])
            .Concat(client ? permits.SelectMany(r => r.Clients ?? (IEnumerable<string>)[]) : [])
            .Distinct(StringComparer.Ordinal);
        var ids = candidates
            .Where(id => set.Evaluate(new PolicyRequest(As(template, id, client), resource, action, context)).Decision)
            .Order(StringComparer.Ordinal)
            .ToList();
        var anySubject = set.Evaluate(new PolicyRequest(As(template, UnnamedSubject, client), resource, action, context)).Decision;
        return new SubjectsFound(ids, anySubject);
    }

    /// <summary>A client acting for itself has its own id as client id (as the PEP asks for it).</summary>
    private static PolicySubject As(PolicySubject template, string id, bool client) =>
        template with { Id = id, ClientId = client ? id : template.ClientId };
}
