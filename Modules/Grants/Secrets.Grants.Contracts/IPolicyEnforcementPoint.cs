using Secrets.Shared.Kernel;

namespace Secrets.Grants.Contracts;

/// <summary>
/// The PEP (docs/AUTHORIZATION.md): decides uses of secrets from live grants and cached denies, and asks
/// the PDP for the rest, in one batch. It is called by the access pipeline only, after every cheaper
/// check has passed, so a grant use is spent only when nothing else can refuse the request. The call is
/// direct (no mediator hop): it is on the path of every request.
/// </summary>
public interface IPolicyEnforcementPoint
{
    /// <summary>
    /// Decides every use, in order. <paramref name="attributes"/> reads a secret's owner and creation
    /// stamps server-side; it is called only for uses that need a fresh PDP decision. A use whose
    /// attributes cannot be read is refused with the provider's problem, never decided without them.
    /// </summary>
    Task<AccessDecisions> AuthorizeAsync(IReadOnlyList<SecretUse> uses, Caller caller, ResourceAttributesReader attributes, CancellationToken ct);

    /// <summary>
    /// Whether listings are filtered per entry (authorization on and <c>LISTING_FILTER=pdp</c>): a listing then
    /// needs no decision on its prefix, and shows only what <see cref="FilterAsync"/> lets through.
    /// </summary>
    bool FiltersListings { get; }

    /// <summary>
    /// Which of <paramref name="candidates"/> (secrets, or <c>/*</c> prefixes for folders) of the listing of
    /// <paramref name="listing"/> the caller may use for <paramref name="purpose"/>, in order, decided on the names
    /// alone (<see cref="ResourceAttributes.Unknown"/>): the PDP's resource search when it can answer for the prefix,
    /// batched evaluations otherwise. Spends no grant use and caches nothing; a PDP that cannot answer refuses the
    /// listing (503), never shows it unfiltered.
    /// </summary>
    Task<IReadOnlyList<bool>> FilterAsync(
        CanonicalSecretUri listing, IReadOnlyList<CanonicalSecretUri> candidates, Purpose purpose, Caller caller, CancellationToken ct);
}
