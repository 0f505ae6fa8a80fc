using System.Text.Json.Serialization;

namespace Secrets.Host;

internal sealed record FieldError(
    [property: JsonPropertyName("field")] string Field,
    [property: JsonPropertyName("message")] string Message);
