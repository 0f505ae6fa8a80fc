using Secrets.Policy.Contracts;
using Secrets.Shared.Kernel;

namespace Secrets.Policy.Decisions;

/// <summary>
/// One access question in the PDP's own terms, AuthZEN-shaped (docs/AUTHORIZATION.md): what the embedded PDP
/// evaluates, what the AuthZEN client sends and what the AuthZEN endpoints receive.
/// </summary>
internal sealed record PolicyRequest(PolicySubject Subject, PolicyResource Resource, string Action, PolicyContext Context)
{
    public static PolicyRequest From(Caller caller, string tenantId, AccessQuestion question) => new(
        new PolicySubject(caller.SubjectType, caller.Subject, tenantId, caller.ClientId, caller.Issuer, caller.Binding?.Thumbprint),
        new PolicyResource(question.Uri, tenantId, question.Attributes),
        question.Purpose.Name(),
        new PolicyContext(caller.Audiences, caller.TokenId, caller.CorrelationId, caller.WorkflowRunId, caller.NodeId, caller.SystemId));
}

/// <summary>AuthZEN subject: type <c>user</c> or <c>client</c>, id (<c>anonymous</c> without a token), and its properties.</summary>
internal sealed record PolicySubject(string Type, string Id, string? TenantId, string? ClientId, string? Issuer, string? CnfBinding);

/// <summary>AuthZEN resource of type <c>secret</c>: the canonical URI, the tenant and the attributes read from provider metadata.</summary>
internal sealed record PolicyResource(CanonicalSecretUri Uri, string? TenantId, ResourceAttributes Attributes);

internal sealed record PolicyContext(
    IReadOnlyList<string> Audiences, string? TokenJti, string? CorrelationId, string? WorkflowRunId, string? NodeId, string? SystemId)
{
    public static readonly PolicyContext Empty = new([], null, null, null, null, null);
}

/// <summary>A policy decision point: the embedded one (<c>POLICY_PATH</c>) or an AuthZEN server (<c>PDP_URL</c>).</summary>
internal interface IPolicyDecisionPoint
{
    /// <summary>
    /// Evaluates <paramref name="requests"/> in order. Under a short-circuiting semantic it may
    /// return fewer verdicts than requests (AuthZEN: the ones not evaluated), never more. Throws
    /// <see cref="PdpUnavailableException"/> when it cannot answer: unreachable, timed out, or malformed.
    /// </summary>
    Task<IReadOnlyList<AccessVerdict>> EvaluateAsync(IReadOnlyList<PolicyRequest> requests, EvaluationSemantic semantic, CancellationToken ct);
}

/// <summary>The PDP could not give a well-formed answer; the PEP fails closed (503 PDP_UNAVAILABLE).</summary>
internal sealed class PdpUnavailableException(string reason, Exception? inner = null) : Exception(reason, inner);
