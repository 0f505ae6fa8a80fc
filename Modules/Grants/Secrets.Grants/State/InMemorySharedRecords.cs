using Secrets.Grants.Contracts;

namespace Secrets.Grants.State;

/// <summary>
/// The shared records on one node (no <c>REDIS_URL</c>): a dictionary under one lock — records are few and rarely
/// touched (schedules, approvals). Expired records are dropped when a write finds them.
/// </summary>
internal sealed class InMemorySharedRecords(TimeProvider time) : ISharedRecords
{
    private readonly Dictionary<string, (string Value, DateTimeOffset ExpiresAt)> records = new(StringComparer.Ordinal);
    private readonly Lock gate = new();

    public Task<bool> TryAddAsync(string key, string value, DateTimeOffset expiresAt, CancellationToken ct)
    {
        lock (gate)
        {
            if (Live(key) is not null)
                return Task.FromResult(false);
            records[key] = (value, expiresAt);
            return Task.FromResult(true);
        }
    }

    public Task<string?> GetAsync(string key, CancellationToken ct)
    {
        lock (gate)
            return Task.FromResult(Live(key));
    }

    public Task<bool> TryReplaceAsync(string key, string expected, string value, DateTimeOffset expiresAt, CancellationToken ct)
    {
        lock (gate)
        {
            if (!string.Equals(Live(key), expected, StringComparison.Ordinal))
                return Task.FromResult(false);
            records[key] = (value, expiresAt);
            return Task.FromResult(true);
        }
    }

    public Task SetAsync(string key, string value, DateTimeOffset expiresAt, CancellationToken ct)
    {
        lock (gate)
            records[key] = (value, expiresAt);
        return Task.CompletedTask;
    }

    /// <summary>The live value under the key; an expired record is removed. Called under the lock.</summary>
    private string? Live(string key)
    {
        if (!records.TryGetValue(key, out var record))
            return null;
        if (record.ExpiresAt > time.GetUtcNow())
            return record.Value;
        records.Remove(key);
        return null;
    }
}
