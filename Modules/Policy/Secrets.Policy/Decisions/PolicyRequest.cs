using Secrets.Policy.Contracts;
using Secrets.Shared.Kernel;

namespace Secrets.Policy.Decisions;

/// <summary>
/// One access question in the PDP's own terms, AuthZEN-shaped (docs/AUTHORIZATION.md): what the embedded PDP
/// evaluates, what the AuthZEN client sends and what the AuthZEN endpoints receive.
/// </summary>
internal sealed record PolicyRequest(PolicySubject Subject, PolicyResource Resource, string Action, PolicyContext Context)
{
    /// <summary>The request's properties and context as received over AuthZEN; null for the PEP's own questions.</summary>
    public PolicyProperties? Properties { get; init; }

    public static PolicyRequest From(Caller caller, string tenantId, AccessQuestion question) => new(
        PolicySubject.From(caller, tenantId),
        new PolicyResource(question.Uri, tenantId, question.Attributes),
        question.Purpose.Name(),
        PolicyContext.From(caller));
}
