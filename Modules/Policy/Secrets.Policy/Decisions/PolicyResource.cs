using Secrets.Shared.Kernel;

namespace Secrets.Policy.Decisions;

/// <summary>AuthZEN resource of type <c>secret</c>: the canonical URI, the tenant and the attributes read from provider metadata.</summary>
internal sealed record PolicyResource(CanonicalSecretUri Uri, string? TenantId, ResourceAttributes Attributes);
