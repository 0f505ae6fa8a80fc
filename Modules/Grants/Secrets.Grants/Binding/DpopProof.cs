namespace Secrets.Grants.Binding;

/// <summary>
/// A proof that passed every check. The caller still has to accept <see cref="Jti"/> only once within
/// <see cref="DpopOptions.ReplayHold"/> (docs/AUTHENTICATION.md#anti-replay), after everything else about the request passed.
/// </summary>
internal sealed record DpopProof(string Jti, DateTimeOffset IssuedAt, string Thumbprint);
