using System.Text.Json;
using System.Text.Json.Serialization;

namespace Secrets.Rotation.Features.ApproveDestroy;

/// <summary>
/// A gated destroy as the shared records keep it (one JSON value per approval, compared whole on every change): what
/// is to be destroyed (the canonical URI, the versions or null for all), who asked (subject, client, tenant, the
/// request's correlation id), when it was asked and until when it can be approved, and its state — pending, approved
/// (claimed by one approver; the destroy runs or ran) or expired. Never a value.
/// </summary>
internal sealed record DestroyApproval(
    [property: JsonPropertyName("id")] string Id,
    [property: JsonPropertyName("uri")] string Uri,
    [property: JsonPropertyName("versions")] IReadOnlyList<int>? Versions,
    [property: JsonPropertyName("tenant")] string Tenant,
    [property: JsonPropertyName("requested_by")] string RequestedBy,
    [property: JsonPropertyName("requested_client")] string? RequestedClient,
    [property: JsonPropertyName("correlation_id")] string CorrelationId,
    [property: JsonPropertyName("created_at")] DateTimeOffset CreatedAt,
    [property: JsonPropertyName("expires_at")] DateTimeOffset ExpiresAt,
    [property: JsonPropertyName("state")] string State,
    [property: JsonPropertyName("approved_by")] string? ApprovedBy = null)
{
    public const string Pending = "pending";
    public const string Approved = "approved";
    public const string Expired = "expired";

    public string ToJson() => JsonSerializer.Serialize(this);

    /// <summary>The record read back; null when it is not one (a record of another shape under the key is never trusted).</summary>
    public static DestroyApproval? FromJson(string json)
    {
        try
        {
            return JsonSerializer.Deserialize<DestroyApproval>(json);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
