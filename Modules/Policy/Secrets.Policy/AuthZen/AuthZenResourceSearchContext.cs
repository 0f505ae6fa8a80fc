namespace Secrets.Policy.AuthZen;

/// <summary>
/// The <c>context</c> of the embedded PDP's resource search answer. Each result evaluates to a permit (AuthZEN 1.0 §8.1);
/// a <c>…/*</c> result is a listing the rules permit. <see cref="Exact"/> says whether it is also a permit for every
/// secret below it: false when a deny rule covers part of a permitted pattern or a rule with a <c>when</c> condition
/// applies, and then a PEP must evaluate the resources themselves (<see cref="Reason"/> says so).
/// </summary>
internal sealed record AuthZenResourceSearchContext(
    bool Exact,
    string? Reason);
