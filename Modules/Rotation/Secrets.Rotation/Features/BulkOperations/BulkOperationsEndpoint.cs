using FastEndpoints;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Secrets.Audit.Contracts;
using Secrets.Providers.Contracts;
using Secrets.Rotation.Features.RollbackSecret;
using Secrets.Rotation.Features.RotateSecret;
using Secrets.Rotation.Generation;
using Secrets.Shared.Kernel;

namespace Secrets.Rotation.Features.BulkOperations;

/// <summary>
/// POST /api/secrets/bulk: runs operations in order, each through the access pipeline with its own
/// purpose, decision and audit record (the PEP is asked once for the batch), and returns one result per
/// operation that ran. With continueOnError=false it stops at the first failure and names it in
/// <c>stoppedAt</c>; the operations after it did not run.
/// </summary>
internal sealed class BulkOperationsEndpoint(ISecretOperations secrets) : Endpoint<BulkRequest, BulkResponse>
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
        var ran = await secrets.RunEachAsync(HttpContext.Features.GetRequiredFeature<OperationScope>(),
            operations.Select(Operation).ToList(), req.ContinueOnError, ct);
        var results = new List<BulkResult>(ran.Count);
        for (var i = 0; i < ran.Count; i++)
        {
            var (op, result) = (operations[i], ran[i]);
            var status = result.Problem?.Status
                ?? (result.Value is null && op.Op is not ("set" or "rotate" or "rollback") ? StatusCodes.Status204NoContent : StatusCodes.Status200OK);
            results.Add(new BulkResult(i, op.Op, result.Uri?.ToString(), status, result.Problem?.Code.Value, result.Value, result.Problem?.RetryAfterSeconds));
        }
        var failed = results.Count(r => r.Code is not null);
        int? stoppedAt = !req.ContinueOnError && failed > 0 ? results.Count - 1 : null;
        await Send.OkAsync(new BulkResponse(results, results.Count - failed, failed, stoppedAt), ct);
    }

    /// <summary>What each op is: the same authorised operations as the single-secret endpoints.</summary>
    private static SecretOperation<int?> Operation(BulkOperation op) => op.Op switch
    {
        "set" => new(new SecretTarget(op.Uri, Purpose.Write, KvCapabilities.Write), (s, c) => s.WriteAsync(op.Value!, null, c)),
        "rotate" => new(RotateSecretEndpoint.Target(op.Uri, op.Generate is not null),
            (s, c) => s.ReplaceAsync(op.Generate is { } spec ? SecretGenerator.Generate(spec) : op.Value!, c)),
        "rollback" => new(RollbackSecretEndpoint.Target(op.Uri), (s, c) => s.RollbackAsync(op.ToVersion!.Value, c)),
        "delete" => new(new SecretTarget(op.Uri, Purpose.Delete, KvCapabilities.SoftDelete), (s, c) => s.DeleteAsync(c)),
        "undelete" => new(new SecretTarget(op.Uri, Purpose.Undelete, KvCapabilities.Undelete) { FragmentAllowed = false },
            async (s, c) => { await s.UndeleteAsync(op.Versions!, c); return null; }),
        _ when op.Versions is null => new(new SecretTarget(op.Uri, Purpose.DestroyVersions, KvCapabilities.Destroy) { FragmentAllowed = false },
            async (s, c) => { await s.DestroyAllAsync(c); return null; }),
        _ => new(new SecretTarget(op.Uri, Purpose.DestroyVersions, KvCapabilities.Destroy) { FragmentAllowed = false },
            async (s, c) => { await s.DestroyAsync(op.Versions, c); return null; }),
    };
}
