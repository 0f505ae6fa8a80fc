namespace Secrets.Grants.State;

/// <summary>What a claimed id is unique within (docs/AUTHENTICATION.md#anti-replay).</summary>
internal enum ReplayScope
{
    /// <summary>A DPoP proof's <c>jti</c>, per proof key: accepted once within <c>ANTI_REPLAY_TTL_S</c>.</summary>
    DpopProof,
    /// <summary>An access token's <c>jti</c>, per grant (subject, tenant, URI, purpose) and binding: accepted once per grant window.</summary>
    TokenForGrant,
}
