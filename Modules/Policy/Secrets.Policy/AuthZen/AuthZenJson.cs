using System.Text.Json.Serialization;

namespace Secrets.Policy.AuthZen;

// OpenID AuthZEN Access Evaluation API 1.0 shapes, as docs/AUTHORIZATION.md maps them: what the client sends and
// the embedded PDP's endpoints receive and answer. Members AuthZEN allows beyond these (in
// properties, context, options) are skipped when reading; nulls are never written. Member names
// are the snake_case of the property names (the context's naming policy).

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull, PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(AuthZenEvaluationRequest))]
[JsonSerializable(typeof(AuthZenEvaluationsRequest))]
[JsonSerializable(typeof(AuthZenDecision))]
[JsonSerializable(typeof(AuthZenDecisions))]
[JsonSerializable(typeof(AuthZenConfiguration))]
internal sealed partial class AuthZenJson : JsonSerializerContext;
