using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using Secrets.Audit.Contracts;
using Secrets.Grants.Contracts;
using Secrets.Rotation.Contracts;
using Secrets.Shared.Kernel;

namespace Secrets.Rotation.Features.ApproveDestroy;

/// <summary>
/// The pending destroy approvals (docs/API.md#gated-destroy), kept in the shared records so that any node can approve
/// what another requested. Every change of state is one compare-and-swap on the record's whole value: pending →
/// approved (the one approver who claims it; two concurrent approvals, one destroy), approved → pending (the provider
/// failed, so it can be approved again), pending → expired (audited once, by whoever swapped it). A record is kept for
/// <see cref="DestroyApprovalOptions.Retention"/> past its expiry, so a late approve is 409, not 404. This node
/// remembers the approvals it requested until they leave pending, for <see cref="SweepAsync"/>.
/// </summary>
internal sealed class DestroyApprovals(
    DestroyApprovalOptions options, ISharedRecords records, TenantContext tenant, IOperationAudit audit, TimeProvider time) : IDestroyApprovals
{
    private static readonly AuditedAs Expiry = new(AuditType.SecretDestroyApprovalExpired);
    private readonly ConcurrentDictionary<string, DateTimeOffset> requestedHere = new(StringComparer.Ordinal);

    public bool Required => options.Required;

    /// <summary>128 random bits, base64url without padding (22 characters).</summary>
    public string NewApprovalId() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(16));

    public async Task<PendingDestroyApproval> RequestAsync(string approvalId, CanonicalSecretUri uri, IReadOnlyList<int>? versions, Caller requester,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(uri);
        ArgumentNullException.ThrowIfNull(requester);
        var now = time.GetUtcNow();
        var approval = new DestroyApproval(approvalId, uri.ToString(), versions?.Distinct().Order().ToList(), tenant.TenantId,
            requester.Subject, requester.ClientId, requester.CorrelationId, now, now + options.Ttl, DestroyApproval.Pending);
        if (!await records.TryAddAsync(KeyOf(approvalId), approval.ToJson(), approval.ExpiresAt + DestroyApprovalOptions.Retention, ct))
            throw new InvalidOperationException("a new approval id is already taken");   // 128 random bits: never, short of a broken generator
        requestedHere[approvalId] = approval.ExpiresAt;
        return new PendingDestroyApproval(approvalId, approval.ExpiresAt);
    }

    /// <summary>The approval <paramref name="id"/> of this tenant, as stored; 404 <c>APPROVAL_NOT_FOUND</c> when there is none.</summary>
    public async Task<StoredApproval> FindAsync(string id, CancellationToken ct)
    {
        if (!IsApprovalId(id))
            throw new SecretsProblem(ErrorCode.ApprovalNotFound);
        var raw = await records.GetAsync(KeyOf(id), ct);
        var approval = raw is null ? null : DestroyApproval.FromJson(raw);
        if (approval is null || approval.Id != id || approval.Tenant != tenant.TenantId)
            throw new SecretsProblem(ErrorCode.ApprovalNotFound);
        return new StoredApproval(raw!, approval);
    }

    /// <summary>
    /// Claims <paramref name="found"/> for <paramref name="approver"/>: pending → approved, atomically. Refused with 409
    /// <c>APPROVAL_ALREADY_USED</c> once approved, 409 <c>APPROVAL_EXPIRED</c> once expired (an approval found pending
    /// past its expiry is expired now, and audited, unless another node got there first), 403 <c>APPROVAL_SELF_DENIED</c>
    /// for the subject who requested it. Returns the claimed record.
    /// </summary>
    public async Task<StoredApproval> ClaimAsync(StoredApproval found, Caller approver, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(found);
        ArgumentNullException.ThrowIfNull(approver);
        var current = found;
        while (true)
        {
            var approval = current.Approval;
            if (approval.State == DestroyApproval.Approved)
                throw new SecretsProblem(ErrorCode.ApprovalAlreadyUsed);
            if (approval.State != DestroyApproval.Pending)
                throw new SecretsProblem(ErrorCode.ApprovalExpired);
            if (time.GetUtcNow() >= approval.ExpiresAt)
            {
                await ExpireAsync(current, ct);
                throw new SecretsProblem(ErrorCode.ApprovalExpired);
            }
            if (string.Equals(approver.Subject, approval.RequestedBy, StringComparison.Ordinal))
                throw new SecretsProblem(ErrorCode.ApprovalSelfDenied);
            var claimed = approval with { State = DestroyApproval.Approved, ApprovedBy = approver.Subject };
            var json = claimed.ToJson();
            if (await records.TryReplaceAsync(KeyOf(approval.Id), current.Raw, json, RecordExpiry(approval), ct))
            {
                requestedHere.TryRemove(approval.Id, out _);
                return new StoredApproval(json, claimed);
            }
            current = await FindAsync(approval.Id, ct);   // changed meanwhile (another approver, an expiry): decide on what is there now
        }
    }

    /// <summary>Puts a claimed approval back to pending (the destroy failed at the provider), so it can be approved again.</summary>
    public async Task ReleaseAsync(StoredApproval claimed, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(claimed);
        var pending = claimed.Approval with { State = DestroyApproval.Pending, ApprovedBy = null };
        if (await records.TryReplaceAsync(KeyOf(pending.Id), claimed.Raw, pending.ToJson(), RecordExpiry(pending), ct))
            requestedHere[pending.Id] = pending.ExpiresAt;
    }

    /// <summary>
    /// The approvals this node requested that are past their expiry and still pending become expired, each audited
    /// once (<c>SECRET_DESTROY_APPROVAL_EXPIRED</c>); run by <see cref="DestroyApprovalSweeper"/>.
    /// </summary>
    public async Task SweepAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        foreach (var (id, expiresAt) in requestedHere)
        {
            if (expiresAt > now)
                continue;
            var raw = await records.GetAsync(KeyOf(id), ct);
            var approval = raw is null ? null : DestroyApproval.FromJson(raw);
            if (approval is { State: DestroyApproval.Pending } && approval.ExpiresAt <= now && !await ExpireAsync(new StoredApproval(raw!, approval), ct))
                continue;   // changed meanwhile: looked at again on the next sweep
            if (approval is not { State: DestroyApproval.Pending } || approval.ExpiresAt <= now)
                requestedHere.TryRemove(id, out _);
        }
    }

    /// <summary>pending → expired; true (and the expiry audited, for the requester, with the request's correlation id) when this call swapped it.</summary>
    private async Task<bool> ExpireAsync(StoredApproval current, CancellationToken ct)
    {
        var expired = current.Approval with { State = DestroyApproval.Expired };
        if (!await records.TryReplaceAsync(KeyOf(expired.Id), current.Raw, expired.ToJson(), RecordExpiry(expired), ct))
            return false;
        requestedHere.TryRemove(expired.Id, out _);
        var scope = new OperationScope(new Caller(expired.RequestedBy, expired.RequestedClient, null, null, null, expired.CorrelationId));
        scope.Report(new OperationOutcome(Purpose.DestroyVersions, CanonicalSecretUri.Parse(expired.Uri), null, null, null)
        {
            ApprovalId = expired.Id,
            ApprovalStep = ApprovalStep.Expired,
        });
        await audit.RecordAsync(Expiry, scope, ct);
        return true;
    }

    private static DateTimeOffset RecordExpiry(DestroyApproval approval) => approval.ExpiresAt + DestroyApprovalOptions.Retention;

    private static string KeyOf(string id) => "destroy-approval:" + id;

    /// <summary>The shape of an approval id (the audit schema's): 1 to 64 of A–Z, a–z, 0–9, '_' and '-'.</summary>
    private static bool IsApprovalId(string? id) =>
        id is { Length: > 0 and <= 64 } && id.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');
}

/// <summary>An approval as read from the shared records: its exact stored value (what a compare-and-swap expects) and its content.</summary>
internal sealed record StoredApproval(string Raw, DestroyApproval Approval);
