namespace Secrets.Policy.Contracts;

/// <summary>
/// The verdicts in question order. <see cref="Unavailable"/>: the PDP could not be asked or gave a
/// malformed answer, so every verdict is a deny and the caller gets 503 PDP_UNAVAILABLE (fail closed).
/// </summary>
public sealed record AccessVerdicts(IReadOnlyList<AccessVerdict> Verdicts, bool Unavailable = false);
