using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Secrets.Shared.Kernel;

namespace Secrets.Grants.State;

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
    /// An access token used for a secret: the grant's key (subject, tenant, URI, purpose), the caller's
    /// <see cref="SenderBinding"/> string (null when unbound) and the token's <c>jti</c>: the tuple named
    /// in docs/AUTHENTICATION.md#anti-replay. There is no decision id in it: a grant used up and decided
    /// again is the same window, so the token is not accepted again while the first grant lives.
    /// </summary>
    public static ReplayId ForTokenForGrant(GrantKey grant, string? binding, string tokenJti) =>
        Of(ReplayScope.TokenForGrant, grant.Value, binding is null ? "0" : "1" + binding, tokenJti);

    public override string ToString() => $"{Scope}:{Digest}";

    private static ReplayId Of(ReplayScope scope, params ReadOnlySpan<string> fields)
    {
        var material = new StringBuilder(scope.ToString());
        foreach (var field in fields)
            material.Append('\n').Append(field.Length.ToString(CultureInfo.InvariantCulture)).Append(':').Append(field);
        return new ReplayId(scope, ReplayDigest.Of(SHA256.HashData(Encoding.UTF8.GetBytes(material.ToString()))));
    }
}
