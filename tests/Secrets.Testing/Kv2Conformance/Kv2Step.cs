using System.Text.Json.Nodes;

namespace Secrets.Testing.Kv2Conformance;

/// <summary>
/// One request of a case and what its answer must be: <c>method</c>, <c>path</c> (with <c>/v1/</c>), <c>query</c>,
/// <c>headers</c>, <c>body</c> (JSON) or <c>body_raw</c> (exact text), and <c>expect</c> (or, for a given request,
/// <c>expect_status</c>).
/// </summary>
public sealed record Kv2Step(
    string Method,
    string Path,
    IReadOnlyDictionary<string, string> Query,
    IReadOnlyDictionary<string, string> Headers,
    JsonNode? Body,
    string? BodyRaw,
    bool HasBody,
    JsonObject? Expect,
    int? ExpectStatus);
