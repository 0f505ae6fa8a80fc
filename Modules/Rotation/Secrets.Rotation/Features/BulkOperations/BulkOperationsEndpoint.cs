using System.Text.Json.Serialization;
using FastEndpoints;
using FluentValidation;
using Microsoft.AspNetCore.Http;
using Secrets.Audit.Contracts;
using Secrets.Grants.Contracts;
using Secrets.Providers.Contracts;
using Secrets.Rotation.Access;
using Secrets.Shared.Kernel;

namespace Secrets.Rotation.Features.BulkOperations;

internal sealed class BulkOperation
{
    public string Op { get; init; } = "";
    public string Uri { get; init; } = "";
    public SecretValue? Value { get; init; }
    public IReadOnlyList<int>? Versions { get; init; }
}

internal sealed class BulkRequest
{
    public IReadOnlyList<BulkOperation>? Operations { get; init; }
    public bool ContinueOnError { get; init; }
}

internal sealed class BulkValidator : Validator<BulkRequest>
{
    public const int MaxOperations = 100;
    private static readonly string[] Ops = ["set", "delete", "undelete", "destroy", "rotate"];

    public BulkValidator()
    {
        RuleFor(x => x.Operations).NotEmpty().Must(o => o is null || o.Count <= MaxOperations)
            .WithMessage($"'operations' takes at most {MaxOperations} entries.");
        RuleForEach(x => x.Operations).NotNull().ChildRules(op =>
        {
            op.RuleFor(o => o.Op).Must(Ops.Contains).WithMessage("'op' must be set, delete, undelete, destroy or rotate.");
            op.RuleFor(o => o.Uri).NotEmpty().MaximumLength(CanonicalSecretUri.MaxLength);
            op.RuleFor(o => o.Value).Must(v => v is { IsNull: false }).When(o => o.Op is "set" or "rotate")
                .WithMessage("'value' is required for set and rotate.");
            op.RuleFor(o => o.Versions).NotEmpty().When(o => o.Op is "undelete");
            op.RuleFor(o => o.Versions).Must(v => v is null || v.Count > 0).When(o => o.Op is "destroy")
                .WithMessage("'versions' must not be empty.");
            op.RuleForEach(o => o.Versions).GreaterThan(0);
        });
    }
}

internal sealed record BulkResult(
    int Index, string Op, string? Uri, int Status, string? Code,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Version);

internal sealed record BulkResponse(IReadOnlyList<BulkResult> Results, int Succeeded, int Failed, int? StoppedAt);

/// <summary>
/// POST /api/secrets/bulk: runs operations in order, each with its own purpose, authorisation and
/// audit record, and returns one result per operation that ran. With continueOnError=false it stops
/// at the first failure and names it in <c>stoppedAt</c>; the operations after it did not run.
/// </summary>
internal sealed class BulkOperationsEndpoint(RotationAccess access) : Endpoint<BulkRequest, BulkResponse>
{
    public override void Configure()
    {
        Post("/api/secrets/bulk");
        Summary(s => s.Summary = "Run set/delete/undelete/destroy/rotate operations in order");
    }

    public override async Task HandleAsync(BulkRequest req, CancellationToken ct)
    {
        var caller = HttpContext.Caller();
        var operations = req.Operations!;
        var targets = Targets(operations, req.ContinueOnError);
        var decisions = await AuthorizeAsync(operations, targets, caller, ct);
        var results = new List<BulkResult>(operations.Count);
        int? stoppedAt = null;
        for (var i = 0; i < operations.Count; i++)
        {
            var result = await RunAsync(i, operations[i], targets[i], decisions[i], caller, ct);
            results.Add(result);
            if (result.Code is not null && !req.ContinueOnError)
            {
                stoppedAt = i;
                break;
            }
        }
        var failed = results.Count(r => r.Code is not null);
        await Send.OkAsync(new BulkResponse(results, results.Count - failed, failed, stoppedAt), ct);
    }

    /// <summary>
    /// Each operation's URI, or the problem that stops it before authorisation. With
    /// continueOnError=false nothing after the first such problem will run, so it is not authorised.
    /// </summary>
    private List<(CanonicalSecretUri? Uri, SecretsProblem? Problem)> Targets(IReadOnlyList<BulkOperation> operations, bool continueOnError)
    {
        var targets = new List<(CanonicalSecretUri?, SecretsProblem?)>(operations.Count);
        var stopped = false;
        foreach (var op in operations)
        {
            CanonicalSecretUri? uri = null;
            try
            {
                uri = RotationAccess.Parse(op.Uri);
                access.Guard(uri, fragmentAllowed: op.Op is "set" or "rotate" or "delete");
                targets.Add((stopped ? null : uri, null));
            }
            catch (SecretsProblem problem)
            {
                targets.Add((uri, problem));
                stopped |= !continueOnError;
            }
        }
        return targets;
    }

    /// <summary>One PEP batch for every operation that may run; each use is optional, so a deny stops only its operation.</summary>
    private async Task<AccessDecision?[]> AuthorizeAsync(IReadOnlyList<BulkOperation> operations,
        List<(CanonicalSecretUri? Uri, SecretsProblem? Problem)> targets, Caller caller, CancellationToken ct)
    {
        var decisions = new AccessDecision?[targets.Count];
        var asked = Enumerable.Range(0, targets.Count).Where(i => targets[i] is { Uri: not null, Problem: null }).ToList();
        if (asked.Count == 0)
            return decisions;
        var uses = asked.Select(i => new SecretUse(targets[i].Uri!, Meaning(operations[i]).Purpose, Required: false)).ToList();
        var answered = await access.AuthorizeAllAsync(uses, caller, null, ct);
        for (var k = 0; k < asked.Count; k++)
            decisions[asked[k]] = answered[k];
        return decisions;
    }

    private async Task<BulkResult> RunAsync(int index, BulkOperation op, (CanonicalSecretUri? Uri, SecretsProblem? Problem) target,
        AccessDecision? decision, Caller caller, CancellationToken ct)
    {
        var (type, purpose) = Meaning(op);
        var uri = target.Uri;
        var decisionId = decision?.DecisionId;
        try
        {
            if (target.Problem is not null)
                throw target.Problem;
            if (decision is { Permitted: false, Audited: true })
                return new BulkResult(index, op.Op, uri!.ToString(), decision.ToProblem().Status, decision.DenyCode, null);   // Grants audited it
            if (decision is { Permitted: false })
                throw decision.ToProblem();
            int? version = null;
            switch (op.Op)
            {
                case "set":
                    version = await access.WriteAsync(uri!, op.Value!, caller, ct);
                    break;
                case "rotate":
                    await access.ReadAsync(uri!, ct);       // rotation replaces what exists
                    version = await access.WriteAsync(uri!, op.Value!, caller, ct);
                    break;
                case "delete":
                    await access.DeleteAsync(uri!, destroyAll: false, ct);
                    break;
                case "undelete":
                    await access.ChangeVersionsAsync(uri!, VersionChange.Undelete, op.Versions!, ct);
                    break;
                default:
                    if (op.Versions is null)
                        await access.DeleteAsync(uri!, destroyAll: true, ct);
                    else
                        await access.ChangeVersionsAsync(uri!, VersionChange.Destroy, op.Versions, ct);
                    break;
            }
            await access.AuditAsync(AuditRecord.Success(type, uri!, purpose, caller, decisionId, version), ct);
            return new BulkResult(index, op.Op, uri!.ToString(), version is null && op.Op is not ("set" or "rotate") ? StatusCodes.Status204NoContent : StatusCodes.Status200OK, null, version);
        }
        catch (SecretsProblem problem)
        {
            await access.AuditAsync(AuditRecord.Failed(type, uri, purpose, caller, decisionId, problem.Code), ct);
            return new BulkResult(index, op.Op, uri?.ToString(), problem.Status, problem.Code.Value, null);
        }
    }

    private static (AuditType Type, Purpose Purpose) Meaning(BulkOperation op) => op.Op switch
    {
        "set" => (AuditType.SecretWritten, Purpose.Write),
        "rotate" => (AuditType.SecretRotated, Purpose.Rotate),
        "delete" => (AuditType.SecretDeleted, Purpose.Delete),
        "undelete" => (AuditType.SecretUndeleted, Purpose.Undelete),
        _ => (AuditType.SecretDestroyed, Purpose.DestroyVersions),
    };
}
