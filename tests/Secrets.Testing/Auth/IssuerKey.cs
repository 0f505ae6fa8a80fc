namespace Secrets.Testing.Auth;

/// <summary>A signing key of a <see cref="TestIssuer"/>: the key and the <c>kid</c> its JWKS entry and tokens carry.</summary>
public sealed record IssuerKey(string Kid, ProofKey Key);
