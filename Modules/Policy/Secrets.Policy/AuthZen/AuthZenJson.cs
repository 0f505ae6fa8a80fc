using System.Text.Json;
using System.Text.Json.Serialization;

namespace Secrets.Policy.AuthZen;

// OpenID AuthZEN Access Evaluation API 1.0 shapes, as docs/AUTHORIZATION.md maps them: what the client sends and
// the embedded PDP's endpoints receive and answer. Members AuthZEN allows beyond these (in
// properties, context, options) are skipped when reading; nulls are never written. Member names
// are the snake_case of the property names (the context's naming policy).

internal sealed record AuthZenSubject(
    string? Type,
    string? Id,
    AuthZenSubjectProperties? Properties);

internal sealed record AuthZenSubjectProperties(
    string? TenantId,
    string? ClientId,
    string? Issuer,
    string? CnfBinding);

internal sealed record AuthZenResource(
    string? Type,
    string? Id,
    AuthZenResourceProperties? Properties);

internal sealed record AuthZenResourceProperties(
    string? TenantId,
    string? Mount,
    AuthZenResourceAttributes? ResourceAttributes);

/// <summary>Owner and creation stamps; <c>created_at</c> is ISO-8601 UTC.</summary>
internal sealed record AuthZenResourceAttributes(
    string? Owner,
    string? CreatedBy,
    string? CreatedAt);

internal sealed record AuthZenAction(string? Name);

internal sealed record AuthZenContext(
    [property: JsonConverter(typeof(AudienceConverter))] IReadOnlyList<string>? Aud,
    string? TokenJti,
    string? CorrelationId,
    string? WorkflowRunId,
    string? NodeId,
    string? SystemId);

/// <summary>POST /access/v1/evaluation, and one item of a batch (where any member may be left to the batch's default).</summary>
internal sealed record AuthZenEvaluationRequest(
    AuthZenSubject? Subject,
    AuthZenAction? Action,
    AuthZenResource? Resource,
    AuthZenContext? Context);

/// <summary>POST /access/v1/evaluations: top-level members are defaults that each item may replace.</summary>
internal sealed record AuthZenEvaluationsRequest(
    AuthZenSubject? Subject,
    AuthZenAction? Action,
    AuthZenResource? Resource,
    AuthZenContext? Context,
    IReadOnlyList<AuthZenEvaluationRequest?>? Evaluations,
    AuthZenEvaluationsOptions? Options);

internal sealed record AuthZenEvaluationsOptions(
    string? EvaluationsSemantic);

/// <summary>One decision. The client reads answers leniently (see <see cref="AuthZenMapping.VerdictFrom"/>); this is what the server writes.</summary>
internal sealed record AuthZenDecision(
    bool Decision,
    AuthZenDecisionContext? Context);

internal sealed record AuthZenDecisionContext(
    string? DecisionId,
    AuthZenObligations? Obligations,
    string? Reason);

internal sealed record AuthZenObligations(
    int? TtlSeconds,
    int? MaxUses,
    string? RequireBinding);

internal sealed record AuthZenDecisions(
    IReadOnlyList<AuthZenDecision> Evaluations);

/// <summary>GET /.well-known/authzen-configuration (PDP metadata).</summary>
internal sealed record AuthZenConfiguration(
    string PolicyDecisionPoint,
    string AccessEvaluationEndpoint,
    string AccessEvaluationsEndpoint);

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

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(AuthZenEvaluationRequest))]
[JsonSerializable(typeof(AuthZenEvaluationsRequest))]
[JsonSerializable(typeof(AuthZenDecision))]
[JsonSerializable(typeof(AuthZenDecisions))]
[JsonSerializable(typeof(AuthZenConfiguration))]
internal sealed partial class AuthZenJson : JsonSerializerContext;
