using System.Text.Json;
using System.Text.Json.Serialization;

namespace Secrets.Policy.AuthZen;

// OpenID AuthZEN Access Evaluation API 1.0 shapes, as SPEC §5 maps them: what the client sends and
// the embedded PDP's endpoints receive and answer. Members AuthZEN allows beyond these (in
// properties, context, options) are skipped when reading; nulls are never written.

internal sealed record AuthZenSubject(
    [property: JsonPropertyName("type")] string? Type,
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("properties")] AuthZenSubjectProperties? Properties);

internal sealed record AuthZenSubjectProperties(
    [property: JsonPropertyName("tenant_id")] string? TenantId,
    [property: JsonPropertyName("client_id")] string? ClientId,
    [property: JsonPropertyName("issuer")] string? Issuer,
    [property: JsonPropertyName("cnf_binding")] string? CnfBinding);

internal sealed record AuthZenResource(
    [property: JsonPropertyName("type")] string? Type,
    [property: JsonPropertyName("id")] string? Id,
    [property: JsonPropertyName("properties")] AuthZenResourceProperties? Properties);

internal sealed record AuthZenResourceProperties(
    [property: JsonPropertyName("tenant_id")] string? TenantId,
    [property: JsonPropertyName("mount")] string? Mount,
    [property: JsonPropertyName("resource_attributes")] AuthZenResourceAttributes? ResourceAttributes);

/// <summary>Owner and creation stamps; <c>created_at</c> is ISO-8601 UTC.</summary>
internal sealed record AuthZenResourceAttributes(
    [property: JsonPropertyName("owner")] string? Owner,
    [property: JsonPropertyName("created_by")] string? CreatedBy,
    [property: JsonPropertyName("created_at")] string? CreatedAt);

internal sealed record AuthZenAction([property: JsonPropertyName("name")] string? Name);

internal sealed record AuthZenContext(
    [property: JsonPropertyName("aud")][property: JsonConverter(typeof(AudienceConverter))] IReadOnlyList<string>? Aud,
    [property: JsonPropertyName("token_jti")] string? TokenJti,
    [property: JsonPropertyName("correlation_id")] string? CorrelationId,
    [property: JsonPropertyName("workflow_run_id")] string? WorkflowRunId,
    [property: JsonPropertyName("node_id")] string? NodeId,
    [property: JsonPropertyName("system_id")] string? SystemId);

/// <summary>POST /access/v1/evaluation, and one item of a batch (where any member may be left to the batch's default).</summary>
internal sealed record AuthZenEvaluationRequest(
    [property: JsonPropertyName("subject")] AuthZenSubject? Subject,
    [property: JsonPropertyName("action")] AuthZenAction? Action,
    [property: JsonPropertyName("resource")] AuthZenResource? Resource,
    [property: JsonPropertyName("context")] AuthZenContext? Context);

/// <summary>POST /access/v1/evaluations: top-level members are defaults that each item may replace.</summary>
internal sealed record AuthZenEvaluationsRequest(
    [property: JsonPropertyName("subject")] AuthZenSubject? Subject,
    [property: JsonPropertyName("action")] AuthZenAction? Action,
    [property: JsonPropertyName("resource")] AuthZenResource? Resource,
    [property: JsonPropertyName("context")] AuthZenContext? Context,
    [property: JsonPropertyName("evaluations")] IReadOnlyList<AuthZenEvaluationRequest?>? Evaluations,
    [property: JsonPropertyName("options")] AuthZenEvaluationsOptions? Options);

internal sealed record AuthZenEvaluationsOptions(
    [property: JsonPropertyName("evaluations_semantic")] string? EvaluationsSemantic);

/// <summary>One decision. The client reads answers leniently (see <see cref="AuthZenMapping.VerdictFrom"/>); this is what the server writes.</summary>
internal sealed record AuthZenDecision(
    [property: JsonPropertyName("decision")] bool Decision,
    [property: JsonPropertyName("context")] AuthZenDecisionContext? Context);

internal sealed record AuthZenDecisionContext(
    [property: JsonPropertyName("decision_id")] string? DecisionId,
    [property: JsonPropertyName("obligations")] AuthZenObligations? Obligations,
    [property: JsonPropertyName("reason")] string? Reason);

internal sealed record AuthZenObligations(
    [property: JsonPropertyName("ttl_seconds")] int? TtlSeconds,
    [property: JsonPropertyName("max_uses")] int? MaxUses,
    [property: JsonPropertyName("require_binding")] string? RequireBinding);

internal sealed record AuthZenDecisions(
    [property: JsonPropertyName("evaluations")] IReadOnlyList<AuthZenDecision> Evaluations);

/// <summary>GET /.well-known/authzen-configuration (PDP metadata).</summary>
internal sealed record AuthZenConfiguration(
    [property: JsonPropertyName("policy_decision_point")] string PolicyDecisionPoint,
    [property: JsonPropertyName("access_evaluation_endpoint")] string AccessEvaluationEndpoint,
    [property: JsonPropertyName("access_evaluations_endpoint")] string AccessEvaluationsEndpoint);

/// <summary><c>aud</c> as JWTs carry it: one string or an array of strings; always written as an array.</summary>
internal sealed class AudienceConverter : JsonConverter<IReadOnlyList<string>>
{
    public override IReadOnlyList<string> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
            return [reader.GetString()!];
        if (reader.TokenType != JsonTokenType.StartArray)
            throw new JsonException("aud must be a string or an array of strings");
        var audiences = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.String)
                throw new JsonException("aud must be a string or an array of strings");
            audiences.Add(reader.GetString()!);
        }
        return audiences;
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<string> value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStartArray();
        foreach (var audience in value)
            writer.WriteStringValue(audience);
        writer.WriteEndArray();
    }
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AuthZenEvaluationRequest))]
[JsonSerializable(typeof(AuthZenEvaluationsRequest))]
[JsonSerializable(typeof(AuthZenDecision))]
[JsonSerializable(typeof(AuthZenDecisions))]
[JsonSerializable(typeof(AuthZenConfiguration))]
internal sealed partial class AuthZenJson : JsonSerializerContext;
