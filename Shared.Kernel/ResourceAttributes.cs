namespace Secrets.Shared.Kernel;

/// <summary>Owner and creation stamps read server-side from provider metadata; never client-supplied.</summary>
public sealed record ResourceAttributes(string? Owner, string? CreatedBy, DateTimeOffset? CreatedAt)
{
    public static readonly ResourceAttributes None = new(null, null, null);
}
