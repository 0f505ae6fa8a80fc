using System.Text.Json.Nodes;

namespace Secrets.Testing.Kv2Conformance;

/// <summary>An answer as a case checks it: status, content type, the body as text and as JSON, and when the request went out.</summary>
public sealed record Kv2Reply(int Status, string? ContentType, string Body, JsonNode? Json, DateTimeOffset SentAt);
