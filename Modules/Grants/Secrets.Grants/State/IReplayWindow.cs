namespace Secrets.Grants.State;

/// <summary>
/// "Seen this id before, within its window?" (docs/AUTHENTICATION.md#anti-replay): the one replay window, in memory on one node
/// or in Redis across many (on the grant state's connection). A claim is atomic: however many callers
/// race, on however many nodes, exactly one gets <c>true</c>. Time comes only from the injected
/// <see cref="TimeProvider"/> (passed to Redis as an argument), so every node and a test's fake clock
/// agree; a claim is live while its expiry is after now, and an expired claim can be claimed again.
/// A store that cannot be reached throws <see cref="GrantStateUnavailableException"/>: the caller fails
/// closed (503). Claims are never released: callers claim only once everything else about the request
/// has passed, so that a rejected request does not consume an id.
/// </summary>
internal interface IReplayWindow
{
    /// <summary>
    /// Claims <paramref name="id"/> until <paramref name="expiresAt"/>: <c>true</c> the first time (or
    /// when the earlier claim has expired), <c>false</c> while an earlier claim is live (a replay; the
    /// earlier claim's expiry is kept). A claim whose <paramref name="expiresAt"/> is not after now is
    /// refused (<c>false</c>, nothing stored): an id outside its window can never be accepted, and a
    /// caller that computed a past expiry fails closed instead of switching the check off.
    /// </summary>
    ValueTask<bool> TryClaimAsync(ReplayId id, DateTimeOffset expiresAt, CancellationToken ct);

    /// <summary>
    /// A claim's expiry as every store keeps it: rounded up to a whole millisecond (Redis scripts see
    /// Unix milliseconds). With it, "live while expiry is after now" gives the same answer on a clock
    /// of ticks (in memory) and of milliseconds (Redis), and a claim never ends before it was asked to.
    /// </summary>
    internal static DateTimeOffset ClaimExpiry(DateTimeOffset expiresAt)
    {
        var partial = expiresAt.UtcTicks % TimeSpan.TicksPerMillisecond;
        return partial == 0 ? expiresAt : expiresAt.AddTicks(TimeSpan.TicksPerMillisecond - partial);
    }
}
