namespace Secrets.Grants.State;

/// <summary>
/// The outcome of <see cref="IGrantState.TryUseAsync"/>. <see cref="Grant"/> is set for Used and
/// BindingDrift; <see cref="RemainingUses"/> after the use; <see cref="DecisionId"/> of the grant or of the cached deny.
/// </summary>
internal readonly record struct GrantUse(GrantLookup Outcome, Grant? Grant, int RemainingUses, string? DecisionId)
{
    public static readonly GrantUse Miss = new(GrantLookup.Miss, null, 0, null);
}
