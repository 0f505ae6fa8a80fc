namespace Secrets.Grants.State;

/// <summary>
/// Grant, use-counter and negative-cache state (docs/AUTHORIZATION.md#grants), in memory on one node or in Redis across
/// many. Every operation is atomic on its key: <c>max_uses</c> holds exactly however many callers
/// race. Time comes from the injected <see cref="TimeProvider"/> (passed to Redis as an argument) so
/// expiry is the same on every node and testable. A store that cannot be reached throws
/// <see cref="GrantStateUnavailableException"/>: the PEP then fails closed.
/// </summary>
internal interface IGrantState
{
    /// <summary>
    /// Takes one use of the live grant under <paramref name="key"/> when its binding equals
    /// <paramref name="binding"/>. An expired or exhausted grant is a miss (and is removed). When
    /// there is no live grant, a cached deny answers <see cref="GrantLookup.Denied"/>.
    /// </summary>
    ValueTask<GrantUse> TryUseAsync(GrantKey key, string? binding, CancellationToken ct);

    /// <summary>Stores a fresh grant (replacing any) with its first use already taken; returns the uses left.</summary>
    ValueTask<int> GrantAndUseAsync(GrantKey key, Grant grant, CancellationToken ct);

    /// <summary>Caches a deny until <paramref name="expiresAt"/>.</summary>
    ValueTask DenyAsync(GrantKey key, string decisionId, DateTimeOffset expiresAt, CancellationToken ct);

    /// <summary>
    /// Holds the decision lock of <paramref name="key"/> (single flight: one PDP decision at a time per
    /// key, across nodes when shared), waiting at most <paramref name="timeout"/>; after the wait the
    /// caller goes ahead without it rather than fail.
    /// </summary>
    ValueTask<IAsyncDisposable> LockAsync(GrantKey key, TimeSpan timeout, CancellationToken ct);
}
