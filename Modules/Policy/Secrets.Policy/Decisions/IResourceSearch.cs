namespace Secrets.Policy.Decisions;

/// <summary>A PDP that lists the resources a subject may use for an action (AuthZEN 1.0 §8.5): an external PDP whose metadata offers it.</summary>
internal interface IResourceSearch
{
    /// <summary>
    /// Every resource id the PDP answers for <paramref name="subject"/> and <paramref name="action"/> (resources of type
    /// <c>secret</c> of <paramref name="tenantId"/>), every page, in the PDP's order; null when the PDP offers no resource
    /// search. Throws <see cref="PdpUnavailableException"/> when it cannot be asked or answers too many pages.
    /// </summary>
    Task<IReadOnlyList<string>?> SearchResourcesAsync(PolicySubject subject, string action, string? tenantId, PolicyContext context, CancellationToken ct);
}
