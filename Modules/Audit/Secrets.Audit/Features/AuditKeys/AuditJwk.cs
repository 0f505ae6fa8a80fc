using System.Text.Json.Serialization;

namespace Secrets.Audit.Features.AuditKeys;

/// <summary>A public Ed25519 key as a JWK (RFC 8037): <c>kty</c> OKP, <c>crv</c> Ed25519, <c>x</c>, its thumbprint as <c>kid</c>.</summary>
internal sealed record AuditJwk(
    [property: JsonPropertyName("kty")] string Kty,
    [property: JsonPropertyName("crv")] string Crv,
    [property: JsonPropertyName("x")] string X,
    [property: JsonPropertyName("kid")] string Kid,
    [property: JsonPropertyName("use")] string Use,
    [property: JsonPropertyName("alg")] string Alg);
