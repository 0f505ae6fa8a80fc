using System.Security.Cryptography;
using System.Text;
using Secrets.Shared.Kernel;

namespace Secrets.Grants.State;

/// <summary>
/// What a grant is for (docs/AUTHORIZATION.md#grants): subject, tenant, canonical URI and purpose. The caller's binding
/// is kept in the grant rather than in the key, so a changed binding finds the grant and is denied
/// instead of silently getting a grant of its own. <see cref="Value"/> is a SHA-256 digest, so keys
/// are fixed-length and no client-chosen text reaches the store's key space.
/// </summary>
internal readonly record struct GrantKey(string Value)
{
    public static GrantKey For(string tenantId, string subject, CanonicalSecretUri uri, Purpose purpose) =>
        Known.GetOrAdd((tenantId, subject, uri.ToString(), purpose), 0, static (k, _) =>
        {
            var material = string.Join('\n', k.Tenant, k.Subject, k.Uri, k.Purpose.Name());
            return new GrantKey(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(material))));
        });

    /// <summary>Keys computed recently: the key is a pure function of what a grant is for.</summary>
    private static readonly BoundedCache<(string Tenant, string Subject, string Uri, Purpose Purpose), GrantKey> Known = new(4096);

    public override string ToString() => Value;
}

/// <summary>
/// A permit turned into a grant. <see cref="Binding"/> is the caller's <see cref="SenderBinding"/> string
/// at decision time (null when unbound); <see cref="ExpiresAt"/> is decision time + ttl_seconds.
/// </summary>
internal sealed record Grant(string DecisionId, int TtlSeconds, int MaxUses, string? RequireBinding, string? Binding, DateTimeOffset ExpiresAt);

internal enum GrantLookup
{
    /// <summary>No live grant and no cached deny: a fresh decision is needed.</summary>
    Miss,
    /// <summary>A live grant had a use left; one was taken.</summary>
    Used,
    /// <summary>A live grant exists but for another binding; nothing was taken.</summary>
    BindingDrift,
    /// <summary>A deny is cached (negative cache).</summary>
    Denied,
}

/// <summary>
/// The outcome of <see cref="IGrantState.TryUseAsync"/>. <see cref="Grant"/> is set for Used and
/// BindingDrift; <see cref="RemainingUses"/> after the use; <see cref="DecisionId"/> of the grant or of the cached deny.
/// </summary>
internal readonly record struct GrantUse(GrantLookup Outcome, Grant? Grant, int RemainingUses, string? DecisionId)
{
    public static readonly GrantUse Miss = new(GrantLookup.Miss, null, 0, null);
}

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

/// <summary>The grant store (Redis) could not be reached or answered wrongly; maps to 503 GRANT_STATE_UNAVAILABLE.</summary>
internal sealed class GrantStateUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
