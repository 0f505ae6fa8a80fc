using System.Text.Json.Serialization;

namespace Secrets.Policy.AuthZen;

// OpenID AuthZEN Authorization API 1.0 shapes, as docs/AUTHORIZATION.md maps them: what the client sends and
// the embedded PDP's endpoints receive and answer. Members AuthZEN allows beyond these (in
// properties, context, options) are skipped when reading; nulls are never written; a member given
// twice is refused (AuthZEN 1.0 §11.5, I-JSON). Member names are the snake_case of the property names.

[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    AllowDuplicateProperties = false)]
[JsonSerializable(typeof(AuthZenEvaluationRequest))]
[JsonSerializable(typeof(AuthZenEvaluationsRequest))]
[JsonSerializable(typeof(AuthZenDecision))]
[JsonSerializable(typeof(AuthZenDecisions))]
[JsonSerializable(typeof(AuthZenConfiguration))]
[JsonSerializable(typeof(AuthZenSearchRequest))]
[JsonSerializable(typeof(AuthZenSubjectSearchResponse))]
[JsonSerializable(typeof(AuthZenResourceSearchResponse))]
[JsonSerializable(typeof(AuthZenActionSearchResponse))]
internal sealed partial class AuthZenJson : JsonSerializerContext;
