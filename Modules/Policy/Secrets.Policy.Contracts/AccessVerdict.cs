namespace Secrets.Policy.Contracts;

/// <summary>
/// A PDP decision. Absent obligations are null and take the PEP's defaults. <see cref="RequireBinding"/>
/// is <c>dpop</c>, <c>mtls</c>, <c>any</c> (some sender binding) or null (none required).
/// </summary>
public sealed record AccessVerdict(bool Decision, string? DecisionId, int? TtlSeconds, int? MaxUses, string? RequireBinding, string? Reason)
{
    public static AccessVerdict Deny(string reason) => new(false, null, null, null, null, reason);

    /// <summary>A question a short-circuited batch left out: a deny the PDP did not decide (so it is not cached).</summary>
    public static readonly AccessVerdict NotEvaluated = new(false, null, null, null, null, "not evaluated") { Evaluated = false };

    public bool Evaluated { get; init; } = true;
}
