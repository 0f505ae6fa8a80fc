using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Secrets.Shared.Kernel;

namespace Secrets.Grants.State;

/// <summary>What a claimed id is unique within (docs/AUTHENTICATION.md#anti-replay).</summary>
internal enum ReplayScope
{
    /// <summary>A DPoP proof's <c>jti</c>, per proof key: accepted once within <c>ANTI_REPLAY_TTL_S</c>.</summary>
    DpopProof,
    /// <summary>An access token's <c>jti</c>, per grant (subject, tenant, URI, purpose) and binding: accepted once per grant window.</summary>
    TokenForGrant,
}

/// <summary>
/// The identity of one claim: its scope and a SHA-256 digest over the scope and the
/// values that name it. The ids are client-chosen (<c>jti</c>), so only the digest reaches a store's
/// key space: keys are fixed-length and hold no client text. Every field is length-prefixed before
/// hashing, so no choice of <c>jti</c> can make two different tuples collide.
/// </summary>
internal readonly record struct ReplayId(ReplayScope Scope, ReplayDigest Digest)
{
    /// <summary>
    /// A DPoP proof: the proof key's JWK thumbprint (<c>jkt</c>, RFC 7638, of the verified proof's
    /// <c>jwk</c>) together with the proof's <c>jti</c>. A replayed proof carries the same key (its
    /// signature binds it), so the key costs no protection; it keeps one client from burning, or
    /// colliding with, another client's <c>jti</c>.
    /// </summary>
    public static ReplayId ForDpopProof(string jkt, string jti) =>
        Of(ReplayScope.DpopProof, jkt, jti);

    /// <summary>
    /// An access token used under a grant: the grant's key (subject, tenant, URI, purpose), the
    /// caller's <see cref="SenderBinding"/> string (null when unbound), the grant's decision id and the
    /// token's <c>jti</c>: the tuple named in docs/AUTHENTICATION.md#anti-replay, for this grant only (a grant that is used up or
    /// expires ends its window; the next decision opens a new one). Claim until the grant's expiry.
    /// </summary>
    public static ReplayId ForTokenForGrant(GrantKey grant, string? binding, string decisionId, string tokenJti) =>
        Of(ReplayScope.TokenForGrant, grant.Value, binding is null ? "0" : "1" + binding, decisionId, tokenJti);

    public override string ToString() => $"{Scope}:{Digest}";

    private static ReplayId Of(ReplayScope scope, params ReadOnlySpan<string> fields)
    {
        var material = new StringBuilder(scope.ToString());
        foreach (var field in fields)
            material.Append('\n').Append(field.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(field);
        return new ReplayId(scope, ReplayDigest.Of(SHA256.HashData(Encoding.UTF8.GetBytes(material.ToString()))));
    }
}

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
