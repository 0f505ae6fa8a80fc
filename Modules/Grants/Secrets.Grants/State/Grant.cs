using Secrets.Shared.Kernel;

namespace Secrets.Grants.State;

/// <summary>
/// A permit turned into a grant. <see cref="Binding"/> is the caller's <see cref="SenderBinding"/> string
/// at decision time (null when unbound); <see cref="ExpiresAt"/> is decision time + ttl_seconds.
/// </summary>
internal sealed record Grant(string DecisionId, int TtlSeconds, int MaxUses, string? RequireBinding, string? Binding, DateTimeOffset ExpiresAt);
