using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using Secrets.Providers.Kv.Kv2;
using Secrets.Shared.Kernel;
using Secrets.Testing.Kv2Conformance;

namespace Secrets.Providers.Tests.Kv.Kv2;

/// <summary>
/// A request of the KV v2 table (kv2-cases.yaml) that the provider's client sends itself, byte for byte in method
/// (POST for PUT, GET ?list=true for LIST, as OpenBao treats them alike), path and body, as a call of
/// <see cref="Kv2HttpClient"/>; and what the client must make of the answer the table expects.
/// Requests the client never sends (other fields, other paths, raw bodies, headers) have no call.
/// </summary>
internal sealed class Kv2ClientCall
{
    private const string TablePrefix = "/v1/secret/";
    private readonly Func<Kv2HttpClient, string, CancellationToken, Task<Kv2ClientOutcome>> send;

    private Kv2ClientCall(string operation, Func<Kv2HttpClient, string, CancellationToken, Task<Kv2ClientOutcome>> send)
    {
        Operation = operation;
        this.send = send;
    }

    /// <summary><c>read</c>, <c>write</c>, <c>delete-latest</c>, <c>delete</c>, <c>undelete</c>, <c>destroy</c>, <c>metadata-read</c>, <c>metadata-write</c>, <c>metadata-delete</c>, <c>list</c>.</summary>
    public string Operation { get; }

    private bool IsRead => Operation is "read" or "metadata-read" or "list";

    /// <summary>Sends the call on <paramref name="mount"/>; a problem the client raises is an outcome too.</summary>
    public async Task<Kv2ClientOutcome> SendAsync(Kv2HttpClient client, string mount, CancellationToken ct)
    {
        try
        {
            return await send(client, mount, ct);
        }
        catch (SecretsProblem problem)
        {
            return new Kv2ClientOutcome(problem.Code.Value);
        }
    }

    /// <summary>The call for <paramref name="step"/>, or null when the client never sends that request.</summary>
    public static Kv2ClientCall? From(Kv2Step step)
    {
        ArgumentNullException.ThrowIfNull(step);
        if (step.Headers.Count > 0 || !step.Path.StartsWith(TablePrefix, StringComparison.Ordinal))
            return null;
        var rest = step.Path[TablePrefix.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var (operation, key) = slash < 0 ? (rest, "") : (rest[..slash], rest[(slash + 1)..]);
        var body = step.BodyRaw is { } raw ? RawObject(raw) : step.Body as JsonObject;
        if (step.HasBody && body is null)
            return null;

        if (operation == "metadata" && IsList(step))
        {
            var folder = key.EndsWith('/') ? key[..^1] : key;
            return body is null && (folder.Length == 0 || IsClientPath(folder)) ? List(folder) : null;
        }
        if (!IsClientPath(key))
            return null;
        var noQuery = step.Query.Count == 0;
        var write = step.Method is "POST" or "PUT";
        return (operation, step.Method) switch
        {
            ("data", "GET") when body is null && Version(step) is var (ok, version) && ok =>
                Read(key, version),
            ("data", _) when write && noQuery && WriteBody(body) is var (data, cas) && data is not null =>
                Call("write", (c, m, ct) => Decoded(c.WriteAsync(m, key, data.ToDictionary(p => p.Key, p => p.Value?.DeepClone(), StringComparer.Ordinal), cas, ct),
                    v => new KvWriteEnvelope(v), Kv2Json.Default.KvWriteEnvelope)),
            ("data", "DELETE") when noQuery && body is null =>
                Call("delete-latest", async (c, m, ct) => { await c.DeleteLatestAsync(m, key, ct); return new("ok"); }),
            ("delete" or "undelete" or "destroy", _) when write && noQuery && Versions(body) is { } versions =>
                Call(operation, async (c, m, ct) =>
                {
                    await (operation switch
                    {
                        "delete" => c.DeleteVersionsAsync(m, key, versions, ct),
                        "undelete" => c.UndeleteAsync(m, key, versions, ct),
                        _ => c.DestroyAsync(m, key, versions, ct),
                    });
                    return new("ok");
                }),
            ("metadata", "GET") when noQuery && body is null =>
                Call("metadata-read", async (c, m, ct) => await c.ReadMetadataAsync(m, key, ct) is { } metadata
                    ? new("ok", Serialize(new KvMetadataEnvelope(metadata), Kv2Json.Default.KvMetadataEnvelope))
                    : new("not-found")),
            ("metadata", _) when write && noQuery && CustomMetadataBody(body) is var (custom, metadataCas) && custom is not null =>
                Call("metadata-write", async (c, m, ct) => await c.WriteCustomMetadataAsync(m, key, custom, metadataCas, ct) switch
                {
                    MetadataWrite.Written => new Kv2ClientOutcome("ok"),
                    MetadataWrite.CasRequired => new("metadata-cas-required"),
                    _ => new("metadata-cas-conflict"),
                }),
            ("metadata", "DELETE") when noQuery && body is null =>
                Call("metadata-delete", async (c, m, ct) => { await c.DeleteMetadataAsync(m, key, ct); return new("ok"); }),
            _ => null,
        };
    }

    /// <summary>What the client must make of the answer <paramref name="expect"/> describes.</summary>
    public string ExpectedKind(JsonObject expect)
    {
        ArgumentNullException.ThrowIfNull(expect);
        var status = (int)expect["status"]!;
        var error = expect["errors"] is JsonArray { Count: 1 } errors && errors[0] is JsonValue only ? only.GetValue<string>() : null;
        return status switch
        {
            >= 200 and < 300 => "ok",
            429 or 503 => "PROVIDER_UNAVAILABLE",
            404 when Operation == "read" && expect.Any(p => p.Key.StartsWith("data.", StringComparison.Ordinal) && p.Value is not null && !IsAbsence(p.Value)) =>
                "not-found-with-metadata",
            404 when IsRead => "not-found",
            400 when Operation == "metadata-write" => error switch
            {
                "metadata check-and-set parameter required for this call" => "metadata-cas-required",
                "metadata check-and-set parameter does not match the current version" or "metadata_cas must be 0 when creating new metadata" => "metadata-cas-conflict",
                _ => "PROVIDER_ERROR",
            },
            400 => error switch
            {
                "check-and-set parameter did not match the current version" => "CAS_MISMATCH",
                "check-and-set parameter required for this call" => "CAS_REQUIRED",
                _ => "PROVIDER_ERROR",
            },
            _ => "PROVIDER_ERROR",
        };
    }

    /// <summary>The table's <c>&lt;absent&gt;</c> matcher.</summary>
    public static bool IsAbsence(JsonNode? expected) =>
        expected is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>() == "<absent>";

    private static Kv2ClientCall Call(string operation, Func<Kv2HttpClient, string, CancellationToken, Task<Kv2ClientOutcome>> send) => new(operation, send);

    private static Kv2ClientCall Read(string key, int? version) =>
        Call("read", async (c, m, ct) => await c.ReadAsync(m, key, version, ct) switch
        {
            null => new Kv2ClientOutcome("not-found"),
            var read => new(read.Data is null ? "not-found-with-metadata" : "ok", Serialize(new KvReadEnvelope(read), Kv2Json.Default.KvReadEnvelope)),
        });

    private static Kv2ClientCall List(string folder) =>
        Call("list", async (c, m, ct) => await c.ListAsync(m, folder, ct) is { Count: > 0 } keys
            ? new("ok", Serialize(new KvListEnvelope(new KvListData([.. keys])), Kv2Json.Default.KvListEnvelope))
            : new("not-found"));

    private static async Task<Kv2ClientOutcome> Decoded<T, TEnvelope>(Task<T> call, Func<T, TEnvelope> envelope, JsonTypeInfo<TEnvelope> type) =>
        new("ok", Serialize(envelope(await call), type));

    private static JsonNode? Serialize<T>(T value, JsonTypeInfo<T> type) => JsonSerializer.SerializeToNode(value, type);

    private static bool IsList(Kv2Step step) =>
        (step.Method == "LIST" && step.Query.Count == 0)
        || (step.Method == "GET" && step.Query.Count == 1 && step.Query.TryGetValue("list", out var list) && list == "true");

    /// <summary>A key the client writes into the URL as the table does: segments of unreserved characters, none empty.</summary>
    private static bool IsClientPath(string key) =>
        key.Length > 0 && key.Split('/').All(segment => segment.Length > 0 && segment == Uri.EscapeDataString(segment) && segment is not "." and not "..");

    private static (bool Ok, int? Version) Version(Kv2Step step)
    {
        if (step.Query.Count == 0)
            return (true, null);
        if (step.Query.Count == 1 && step.Query.TryGetValue("version", out var text)
            && int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var version)
            && version.ToString(CultureInfo.InvariantCulture) == text)
        {
            return (true, version);
        }
        return (false, null);
    }

    /// <summary><c>{"data": {…}}</c> with at most <c>"options": {"cas": n}</c>: what <see cref="Kv2HttpClient.WriteAsync"/> sends.</summary>
    private static (JsonObject? Data, int? Cas) WriteBody(JsonObject? body)
    {
        if (body is null || body["data"] is not JsonObject data || body.Any(p => p.Key is not "data" and not "options"))
            return (null, null);
        if (!body.ContainsKey("options"))
            return (data, null);
        return body["options"] is JsonObject { Count: 1 } options && Integer(options["cas"]) is { } cas and >= int.MinValue and <= int.MaxValue
            ? (data, (int)cas)
            : (null, null);
    }

    private static List<int>? Versions(JsonObject? body)
    {
        if (body is not { Count: 1 } || body["versions"] is not JsonArray items)
            return null;
        var versions = items.Select(Integer).ToList();
        return versions.All(v => v is >= int.MinValue and <= int.MaxValue) ? [.. versions.Select(v => (int)v!.Value)] : null;
    }

    /// <summary><c>{"custom_metadata": {string: string}}</c> with at most <c>metadata_cas</c>: what the client's metadata write sends.</summary>
    private static (Dictionary<string, string>? Custom, long? MetadataCas) CustomMetadataBody(JsonObject? body)
    {
        if (body is null || body["custom_metadata"] is not JsonObject custom || body.Any(p => p.Key is not "custom_metadata" and not "metadata_cas"))
            return (null, null);
        if (custom.Any(p => p.Value is not JsonValue v || v.GetValueKind() != JsonValueKind.String))
            return (null, null);
        long? metadataCas = null;
        if (body.ContainsKey("metadata_cas"))
        {
            if (Integer(body["metadata_cas"]) is not { } given)
                return (null, null);
            metadataCas = given;
        }
        return (custom.ToDictionary(p => p.Key, p => p.Value!.GetValue<string>(), StringComparer.Ordinal), metadataCas);
    }

    /// <summary>A raw body that is one JSON object (the client sends its own bytes for it, the same JSON); else null.</summary>
    private static JsonObject? RawObject(string raw)
    {
        try
        {
            return JsonNode.Parse(raw) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static long? Integer(JsonNode? node) =>
        node is JsonValue v && v.GetValueKind() == JsonValueKind.Number && long.TryParse(v.ToJsonString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var n)
            ? n
            : null;
}
