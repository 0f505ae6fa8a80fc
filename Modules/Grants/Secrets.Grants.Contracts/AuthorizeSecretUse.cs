using MassTransit.Mediator;
using Secrets.Shared.Kernel;

namespace Secrets.Grants.Contracts;

/// <summary>Asks the PEP whether <see cref="Caller"/> may use <see cref="Uri"/> for <see cref="Purpose"/>.</summary>
public sealed record AuthorizeSecretUse(
    CanonicalSecretUri Uri, Purpose Purpose, Caller Caller, ResourceAttributes Attributes) : Request<AccessDecision>;

/// <summary>Obligations of a permit (SPEC §5).</summary>
public sealed record Obligations(int TtlSeconds, int MaxUses, string RequireBinding);

/// <summary>The PEP's answer. A deny carries its error code (403 SECRET_AUTHZ_FAILED, 503 PDP_UNAVAILABLE, …).</summary>
public sealed record AccessDecision(bool Permitted, string DecisionId, int RemainingUses, Obligations Obligations, string? DenyCode = null);
