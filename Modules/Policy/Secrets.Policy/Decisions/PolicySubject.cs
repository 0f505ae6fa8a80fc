namespace Secrets.Policy.Decisions;

/// <summary>AuthZEN subject: type <c>user</c> or <c>client</c>, id (<c>anonymous</c> without a token), and its properties.</summary>
internal sealed record PolicySubject(string Type, string Id, string? TenantId, string? ClientId, string? Issuer, string? CnfBinding);
