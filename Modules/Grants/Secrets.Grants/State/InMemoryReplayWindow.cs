using System.Collections.Concurrent;

namespace Secrets.Grants.State;

/// <summary>
/// The replay window on one node (no <c>REDIS_URL</c>): claim → expiry in a concurrent dictionary.
/// A claim wins by <c>TryAdd</c> (no entry) or by <c>TryUpdate</c> against the expired expiry it saw,
/// so exactly one of any number of racing callers wins. Expired claims are swept every few thousand
/// claims; a sweep removes an entry only while it still holds the expiry the sweep saw.
/// </summary>
internal sealed class InMemoryReplayWindow(TimeProvider time) : IReplayWindow
{
    private const int SweepEvery = 4096;
    private readonly ConcurrentDictionary<ReplayId, DateTimeOffset> claims = new();
    private int attempts;

    /// <summary>Stored claims, live or not yet swept, for tests.</summary>
    public int Count => claims.Count;

    public ValueTask<bool> TryClaimAsync(ReplayId id, DateTimeOffset expiresAt, CancellationToken ct)
    {
        ct.ThrowIfCancellationRequested();
        var now = time.GetUtcNow();
        if (Interlocked.Increment(ref attempts) % SweepEvery == 0)
            Sweep(now);
        expiresAt = IReplayWindow.ClaimExpiry(expiresAt);
        if (expiresAt <= now)
            return ValueTask.FromResult(false);   // outside its window already: refused, nothing stored
        while (true)
        {
            if (!claims.TryGetValue(id, out var claimedUntil))
            {
                if (claims.TryAdd(id, expiresAt))
                    return ValueTask.FromResult(true);
                continue;   // another caller added it first: look again
            }
            if (claimedUntil > now)
                return ValueTask.FromResult(false);
            if (claims.TryUpdate(id, expiresAt, claimedUntil))
                return ValueTask.FromResult(true);
            // Another caller re-claimed it or the sweep removed it since we looked: look again.
        }
    }

    private void Sweep(DateTimeOffset now)
    {
        foreach (var claim in claims)
        {
            if (claim.Value <= now)
                claims.TryRemove(claim);
        }
    }
}
