using FastEndpoints;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Secrets.Audit.Contracts;
using Secrets.Providers.Contracts;
using Secrets.Rotation.Features.ApproveDestroy;
using Secrets.Rotation.Features.RollbackSecret;
using Secrets.Rotation.Features.RotateSecret;
using Secrets.Rotation.Generation;
using Secrets.Shared.Kernel;

namespace Secrets.Rotation.Features.BulkOperations;

/// <summary>
/// POST /api/secrets/bulk: runs operations in order, each through the access pipeline with its own
/// purpose, decision and audit record (the PEP is asked once for the batch), and returns one result per
/// operation that ran. With continueOnError=false it stops at the first failure and names it in
/// <c>stoppedAt</c>; the operations after it did not run. With <c>DESTROY_REQUIRES_APPROVAL=true</c> a <c>destroy</c>
/// destroys nothing: its result is 202 with the id of the approval it waits for (docs/API.md#gated-destroy).
/// </summary>
internal sealed class BulkOperationsEndpoint(ISecretOperations secrets, DestroyApprovals approvals, BulkLimits limits) : Endpoint<BulkRequest, BulkResponse>
{
    public override void Configure()
    {
        Post("/api/secrets/bulk");
        Options(x => x.WithMetadata(new AuditedAs(AuditType.SecretBulk)));
        Summary(s => s.Summary = "Run set/delete/undelete/destroy/rotate/rollback operations in order");
    }

    public override async Task HandleAsync(BulkRequest req, CancellationToken ct)
    {
        var operations = req.Operations!;
        if (operations.Count > limits.MaxOperations)
        {
            // an error code that ends in "Validator" marks a message of ours, which the problem body keeps (it holds no input)
            AddError(new FluentValidation.Results.ValidationFailure(nameof(req.Operations),
                $"'operations' takes at most {limits.MaxOperations} entries (BULK_MAX_OPERATIONS).") { ErrorCode = "BulkLimitsValidator" });
            ThrowIfAnyErrors();   // 400 as a whole, before any operation runs
        }
        var ran = await secrets.RunEachAsync(HttpContext.Features.GetRequiredFeature<OperationScope>(),
            operations.Select(Operation).ToList(), req.ContinueOnError, ct);
        var results = new List<BulkResult>(ran.Count);
        for (var i = 0; i < ran.Count; i++)
        {
            var (op, result) = (operations[i], ran[i]);
            var (version, pending) = (result.Value?.Version, result.Value?.Approval);
            var status = result.Problem?.Status
                ?? (pending is not null ? StatusCodes.Status202Accepted
                    : version is null && op.Op is not ("set" or "rotate" or "rollback") ? StatusCodes.Status204NoContent : StatusCodes.Status200OK);
            results.Add(new BulkResult(i, op.Op, result.Uri?.ToString(), status, result.Problem?.Code.Value, version, result.Problem?.RetryAfterSeconds)
            {
                ApprovalId = pending?.ApprovalId,
                ExpiresAt = pending?.ExpiresAt,
            });
        }
        var failed = results.Count(r => r.Code is not null);
        int? stoppedAt = !req.ContinueOnError && failed > 0 ? results.Count - 1 : null;
        await Send.OkAsync(new BulkResponse(results, results.Count - failed, failed, stoppedAt), ct);
    }

    /// <summary>What each op is: the same authorised operations as the single-secret endpoints.</summary>
    private SecretOperation<BulkDone> Operation(BulkOperation op) => op.Op switch
    {
        "set" => Versioned(new SecretTarget(op.Uri, Purpose.Write, KvCapabilities.Write), (s, c) => s.WriteAsync(op.Value!, null, c)),
        "rotate" => Versioned(RotateSecretEndpoint.Target(op.Uri, op.Generate is not null),
            (s, c) => s.ReplaceAsync(op.Generate is { } spec ? SecretGenerator.Generate(spec) : op.Value!, c)),
        "rollback" => Versioned(RollbackSecretEndpoint.Target(op.Uri), (s, c) => s.RollbackAsync(op.ToVersion!.Value, c)),
        "delete" => Versioned(new SecretTarget(op.Uri, Purpose.Delete, KvCapabilities.SoftDelete), (s, c) => s.DeleteAsync(c)),
        "undelete" => new(new SecretTarget(op.Uri, Purpose.Undelete, KvCapabilities.Undelete) { FragmentAllowed = false },
            async (s, c) => { await s.UndeleteAsync(op.Versions!, c); return BulkDone.Nothing; }),
        _ => Destroy(op),
    };

    /// <summary>A destroy: of the given versions, or of all; with approvals required, a pending approval instead (202).</summary>
    private SecretOperation<BulkDone> Destroy(BulkOperation op)
    {
        var target = new SecretTarget(op.Uri, Purpose.DestroyVersions, KvCapabilities.Destroy) { FragmentAllowed = false };
        if (approvals.Required)
        {
            var id = approvals.NewApprovalId();
            var requester = HttpContext.Features.GetRequiredFeature<OperationScope>().Caller;
            return new(target with { ApprovalId = id, ApprovalStep = ApprovalStep.Requested },
                async (s, c) => new BulkDone(null, await approvals.RequestAsync(id, s.Uri, op.Versions, requester, c)));
        }
        return new(target, async (s, c) =>
        {
            if (op.Versions is { } versions)
                await s.DestroyAsync(versions, c);
            else
                await s.DestroyAllAsync(c);
            return BulkDone.Nothing;
        });
    }

    private static SecretOperation<BulkDone> Versioned(SecretTarget target, Func<IAuthorizedSecret, CancellationToken, Task<int?>> work) =>
        new(target, async (s, c) => new BulkDone(await work(s, c)));
}
