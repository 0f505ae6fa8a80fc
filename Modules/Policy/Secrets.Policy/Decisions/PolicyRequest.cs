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
