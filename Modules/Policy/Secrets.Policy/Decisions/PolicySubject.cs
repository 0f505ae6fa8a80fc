using Secrets.Shared.Kernel;

namespace Secrets.Policy.Decisions;

/// <summary>AuthZEN subject: type <c>user</c> or <c>client</c>, id (<c>anonymous</c> without a token), and its properties.</summary>
internal sealed record PolicySubject(string Type, string Id, string? TenantId, string? ClientId, string? Issuer, string? CnfBinding)
{
    /// <summary>The caller as the subject of a question about <paramref name="tenantId"/>'s secrets.</summary>
    public static PolicySubject From(Caller caller, string tenantId)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return new(caller.SubjectType, caller.Subject, tenantId, caller.ClientId, caller.Issuer, caller.Binding?.Thumbprint);
    }
}
