namespace Secrets.Shared.Kernel;

/// <summary>Owner and creation stamps read server-side from provider metadata; never client-supplied.</summary>
public sealed record ResourceAttributes(string? Owner, string? CreatedBy, DateTimeOffset? CreatedAt)
{
    public static readonly ResourceAttributes None = new(null, null, null);

    /// <summary>
    /// Not read: a listing decides which names to show from the names alone (docs/AUTHORIZATION.md#filtered-listings).
    /// A PDP must not let a condition on attributes reveal an entry, nor keep one from hiding it.
    /// </summary>
    public static readonly ResourceAttributes Unknown = new(null, null, null) { IsUnknown = true };

    public bool IsUnknown { get; init; }
}
