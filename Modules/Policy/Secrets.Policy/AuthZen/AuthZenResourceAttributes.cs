namespace Secrets.Policy.AuthZen;

/// <summary>Owner and creation stamps; <c>created_at</c> is ISO-8601 UTC.</summary>
internal sealed record AuthZenResourceAttributes(
    string? Owner,
    string? CreatedBy,
    string? CreatedAt);
