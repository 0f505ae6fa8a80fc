using MassTransit;
using MassTransit.Mediator;
using Microsoft.AspNetCore.Http;
using Secrets.Audit.Contracts;
using Secrets.Grants.Contracts;
using Secrets.Providers.Contracts;
using Secrets.Shared.Kernel;

namespace Secrets.Rotation.Access;

/// <summary>
/// What Rotation slices need from other modules, through their contracts only: the tenant guard,
/// the PEP (Grants), the provider doors (Providers) and audit publishing. Provider failures arrive
/// as values and are turned back into the typed problem here.
/// </summary>
internal sealed class RotationAccess(IMediator mediator, TenantGuard guard)
{
    /// <summary>The URI grammar only; call <see cref="Guard"/> once the failure audit knows the URI.</summary>
    public static CanonicalSecretUri Parse(string? raw) => CanonicalSecretUri.Parse(raw);

    /// <summary>Tenant guard, then what rotation, copy, move and bulk accept: no version pin, a fragment only where allowed.</summary>
    public void Guard(CanonicalSecretUri uri, bool fragmentAllowed = true)
    {
        guard.EnsureMountAllowed(uri);
        if (!fragmentAllowed && uri.Fragment is not null)
            throw new SecretsProblem(ErrorCode.FragmentNotAllowed);
        if (uri.Version is not null)
            throw new SecretsProblem(ErrorCode.AmbiguousQuery);   // they address the latest version
    }

    /// <summary>Asks the PEP; a deny becomes the problem the PEP named (Grants audited it).</summary>
    public async Task<AccessDecision> AuthorizeAsync(CanonicalSecretUri uri, Purpose purpose, Caller caller, AuditIntent? intent, CancellationToken ct)
    {
        var decision = await mediator.SendRequest(new AuthorizeSecretUse(uri, purpose, caller), ct);
        Settle(intent, decision);
        return decision.Permitted ? decision : throw decision.ToProblem();
    }

    /// <summary>
    /// Asks the PEP for several uses in one batch (copy, move, bulk). A denied required use throws its
    /// problem; optional denies come back in the decisions for the caller to report.
    /// </summary>
    public async Task<IReadOnlyList<AccessDecision>> AuthorizeAllAsync(IReadOnlyList<SecretUse> uses, Caller caller, AuditIntent? intent, CancellationToken ct)
    {
        var decisions = await mediator.SendRequest(new AuthorizeSecretUses(uses, caller), ct);
        Settle(intent, decisions.FirstDeny ?? decisions.Decisions[0]);
        return decisions.Permitted ? decisions.Decisions : throw decisions.FirstDeny!.ToProblem();
    }

    private static void Settle(AuditIntent? intent, AccessDecision decision)
    {
        if (intent is null)
            return;
        intent.DecisionId = decision.DecisionId;
        intent.Audited = !decision.Permitted && decision.Audited;
    }

    /// <summary>The map at a path, or with a fragment the one value; 404 SECRET_NOT_FOUND / FRAGMENT_NOT_FOUND when absent.</summary>
    public async Task<SecretRead> ReadAsync(CanonicalSecretUri uri, CancellationToken ct)
    {
        var read = await mediator.SendRequest(new ReadSecret(uri), ct);
        return read.Failure is { } failure ? throw failure.ToProblem() : read;
    }

    /// <summary>As <see cref="ReadAsync"/>, but null when absent.</summary>
    public async Task<SecretRead?> TryReadAsync(CanonicalSecretUri uri, CancellationToken ct)
    {
        try
        {
            return await ReadAsync(uri, ct);
        }
        catch (SecretsProblem problem) when (problem.Code == ErrorCode.SecretNotFound || problem.Code == ErrorCode.FragmentNotFound)
        {
            return null;
        }
    }

    public async Task<int?> WriteAsync(CanonicalSecretUri uri, SecretValue value, Caller caller, CancellationToken ct)
    {
        var written = await mediator.SendRequest(new WriteSecretVersion(uri, value, null, caller.Subject), ct);
        return written.Failure is { } failure ? throw failure.ToProblem() : written.Version;
    }

    public async Task DeleteAsync(CanonicalSecretUri uri, bool destroyAll, CancellationToken ct)
    {
        var deleted = await mediator.SendRequest(new DeleteSecret(uri, destroyAll), ct);
        if (deleted.Failure is { } failure)
            throw failure.ToProblem();
    }

    public async Task ChangeVersionsAsync(CanonicalSecretUri uri, VersionChange change, IReadOnlyList<int> versions, CancellationToken ct)
    {
        var changed = await mediator.SendRequest(new ChangeVersions(uri, change, versions), ct);
        if (changed.Failure is { } failure)
            throw failure.ToProblem();
    }

    public Task AuditAsync(AuditRecord record, CancellationToken ct) => mediator.Publish(record, ct);

    public Task PublishAsync<T>(T message, CancellationToken ct) where T : class => mediator.Publish(message, ct);
}

internal static class HttpContextCallerExtensions
{
    public static Caller Caller(this HttpContext http) =>
        http.Features.Get<Caller>() ?? Shared.Kernel.Caller.Anonymous(http.TraceIdentifier);

    /// <summary>Records what a failure from here on is audited as (by the host).</summary>
    public static AuditIntent Intend(this HttpContext http, AuditType type, CanonicalSecretUri uri, Purpose purpose)
    {
        var intent = new AuditIntent(type, uri, purpose);
        http.Features.Set(intent);
        return intent;
    }
}
