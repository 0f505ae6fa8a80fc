using System.Text.Json.Serialization;

namespace Secrets.Providers.Features.DestroyVersions;

/// <summary>202 of a gated destroy (docs/API.md#gated-destroy): the approval it waits for and until when it can be approved.</summary>
internal sealed record DestroyApprovalResponse(
    [property: JsonPropertyName("approval_id")] string ApprovalId,
    [property: JsonPropertyName("expires_at")] DateTimeOffset ExpiresAt);
