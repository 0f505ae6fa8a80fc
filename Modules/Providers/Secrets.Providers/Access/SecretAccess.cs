using MassTransit;
using MassTransit.Mediator;
using Microsoft.AspNetCore.Http;
using Secrets.Audit.Contracts;
using Secrets.Grants.Contracts;
using Secrets.Providers.Kv;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Access;

/// <summary>An operation that passed the URI grammar, the tenant guard, the capability check and the PEP.</summary>
internal sealed record AuthorizedOperation(CanonicalSecretUri Uri, IKvStore Store, AccessDecision Decision, Caller Caller, AuditIntent Intent);

/// <summary>
/// The order every Providers slice follows (STYLE §3): parse, tenant guard, provider capability,
/// PEP (which reads the resource attributes itself when it needs a fresh decision); then the slice calls the store and reports success here. A failure
/// after <see cref="BeginAsync"/> is audited by the host from the <see cref="AuditIntent"/>.
/// </summary>
internal sealed class SecretAccess(IMediator mediator, KvStoreRegistry stores, TenantGuard guard)
{
    public async Task<AuthorizedOperation> BeginAsync(HttpContext http, string? rawUri, int? version, Purpose purpose, AuditType auditType,
        KvCapabilities needed, UriAllowance allow = UriAllowance.None, bool fragmentAllowed = true)
    {
        var uri = CanonicalSecretUri.Parse(rawUri, version, allow);              // 400 with the SPEC code
        var intent = new AuditIntent(auditType, uri, purpose);                     // from here on, failures are audited
        http.Features.Set(intent);
        guard.EnsureMountAllowed(uri);                                             // tenant, before anything else
        if (!fragmentAllowed && uri.Fragment is not null)
            throw new SecretsProblem(ErrorCode.FragmentNotAllowed);
        if (uri.Version is not null)
        {
            if (purpose is not (Purpose.Read or Purpose.Execute))
                throw new SecretsProblem(ErrorCode.AmbiguousQuery);               // only reads pin a version
            needed |= KvCapabilities.PinnedRead;
        }
        var store = stores.Require(uri, needed);                                  // 501 before anything else is asked
        var caller = http.Caller();
        var decision = await mediator.SendRequest(new AuthorizeSecretUse(uri, purpose, caller), http.RequestAborted);
        intent.DecisionId = decision.DecisionId;
        if (!decision.Permitted)
        {
            intent.Audited = decision.Audited;                                    // Grants audits policy denies
            throw decision.ToProblem();
        }
        return new AuthorizedOperation(uri, store, decision, caller, intent);
    }

    public Task SucceededAsync(AuthorizedOperation op, int? kvVersion = null, AuditType? type = null)
    {
        op.Intent.Audited = true;
        return mediator.Publish(AuditRecord.Success(type ?? op.Intent.Type, op.Uri, op.Intent.Purpose!.Value, op.Caller, op.Decision.DecisionId, kvVersion));
    }
}

internal static class HttpContextCallerExtensions
{
    public static Caller Caller(this HttpContext http) =>
        http.Features.Get<Caller>() ?? Shared.Kernel.Caller.Anonymous(http.TraceIdentifier);
}
