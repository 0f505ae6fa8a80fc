using MassTransit.Mediator;
using Secrets.Grants.Contracts;
using Secrets.Grants.Enforcement;

namespace Secrets.Grants.Features.AuthorizeSecretUse;

/// <summary>The PEP's door for one use (every Providers slice, rotate).</summary>
internal sealed class AuthorizeSecretUseHandler(GrantEnforcer enforcer)
    : MediatorRequestHandler<Contracts.AuthorizeSecretUse, AccessDecision>
{
    protected override async Task<AccessDecision> Handle(Contracts.AuthorizeSecretUse request, CancellationToken ct)
    {
        var decisions = await enforcer.DecideAsync([new SecretUse(request.Uri, request.Purpose)], request.Caller, ct);
        return decisions.Decisions[0];
    }
}

/// <summary>The PEP's door for a batch (bulk, copy, move): one PDP round trip for every use the cache cannot answer.</summary>
internal sealed class AuthorizeSecretUsesHandler(GrantEnforcer enforcer)
    : MediatorRequestHandler<AuthorizeSecretUses, AccessDecisions>
{
    protected override Task<AccessDecisions> Handle(AuthorizeSecretUses request, CancellationToken ct) =>
        request.Uses.Count == 0
            ? Task.FromResult(new AccessDecisions([], true, null))
            : enforcer.DecideAsync(request.Uses, request.Caller, ct);
}
