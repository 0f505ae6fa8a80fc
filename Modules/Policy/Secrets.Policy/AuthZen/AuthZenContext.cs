using System.Text.Json.Serialization;

namespace Secrets.Policy.AuthZen;

internal sealed record AuthZenContext(
    [property: JsonConverter(typeof(AudienceConverter))] IReadOnlyList<string>? Aud,
    string? TokenJti,
    string? CorrelationId,
    string? WorkflowRunId,
    string? NodeId,
    string? SystemId);
