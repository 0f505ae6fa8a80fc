using System.Text.Json.Serialization;

namespace Secrets.Audit.Features.AuditKeys;

/// <summary>A JWK Set (RFC 7517 §5) of the keys that sign this node's audit checkpoints.</summary>
internal sealed record AuditKeysResponse([property: JsonPropertyName("keys")] IReadOnlyList<AuditJwk> Keys);
