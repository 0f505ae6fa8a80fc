using MassTransit.Mediator;
using Secrets.Grants.Contracts;

namespace Secrets.Grants.Features.AuthorizeSecretUse;

/// <summary>
/// The PEP's door. With <c>ENABLE_AUTHORIZATION=false</c> (the only mode until the PDP lands) the
/// PDP is not consulted (SPEC §4) and every purpose is permitted with the default obligations;
/// each decision still gets its own decision_id for the audit trail.
/// </summary>
internal sealed class AuthorizeSecretUseHandler(GrantOptions options)
    : MediatorRequestHandler<Contracts.AuthorizeSecretUse, AccessDecision>
{
    protected override Task<AccessDecision> Handle(Contracts.AuthorizeSecretUse request, CancellationToken ct)
    {
        var obligations = new Obligations(options.TtlSeconds, options.MaxUses, "any");
        return Task.FromResult(new AccessDecision(true, DecisionIds.New(), options.MaxUses - 1, obligations));
    }
}

internal static class DecisionIds
{
    public static string New() => "dec_" + Guid.CreateVersion7().ToString("N");
}
