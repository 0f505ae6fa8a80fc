namespace Secrets.Grants.Contracts;

/// <summary>
/// Small records every node of the service sees alike (docs/ARCHITECTURE.md#shared-state): in memory on one node, in
/// Redis with <c>REDIS_URL</c>, next to the grants and the replay window. Each record lives until its expiry (the
/// injected clock decides, as for grants); an expired record reads as absent. The Rotation module keeps its schedule
/// leases and runs and its pending destroy approvals here. While Redis cannot be reached every call throws
/// <c>SecretsProblem(GRANT_STATE_UNAVAILABLE)</c> with Retry-After, so a caller fails closed. Keys and values are
/// never logged.
/// </summary>
public interface ISharedRecords
{
    /// <summary>Stores the record unless a live one has the key: true when this call stored it (a lease, a new approval).</summary>
    Task<bool> TryAddAsync(string key, string value, DateTimeOffset expiresAt, CancellationToken ct);

    /// <summary>The live record's value; null when there is none or it expired.</summary>
    Task<string?> GetAsync(string key, CancellationToken ct);

    /// <summary>Replaces a live record whose value is still <paramref name="expected"/>: true when this call replaced it.</summary>
    Task<bool> TryReplaceAsync(string key, string expected, string value, DateTimeOffset expiresAt, CancellationToken ct);

    /// <summary>Stores the record whatever was there.</summary>
    Task SetAsync(string key, string value, DateTimeOffset expiresAt, CancellationToken ct);
}
