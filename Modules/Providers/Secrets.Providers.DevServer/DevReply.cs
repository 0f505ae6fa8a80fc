using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace Secrets.Providers.DevServer;

/// <summary>
/// One answer of the dev server, in the shapes OpenBao's HTTP layer writes: 204 with no body, the
/// response envelope (also the raw 404 that carries a deleted version's metadata or an invalid path's
/// warning), an <c>errors</c> list, a bare JSON object (<c>sys/health</c>) or a status with an empty body.
/// Every answer says <c>Content-Type: application/json</c>, the 204 too.
/// </summary>
internal sealed class DevReply
{
    private enum Shape { Envelope, Errors, Bare, EmptyJson }

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // Quotes as \" like Go; non-ASCII text as is. (Go also writes <, >, & as \u003c…; equal once parsed.)
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly Shape shape;
    private readonly JsonNode? data;
    private readonly IReadOnlyList<string> messages;
    private readonly bool injectData;

    private DevReply(int status, Shape shape, JsonNode? data = null, IReadOnlyList<string>? messages = null, bool injectData = false)
    {
        Status = status;
        this.shape = shape;
        this.data = data;
        this.messages = messages ?? [];
        this.injectData = injectData;
    }

    public int Status { get; }

    /// <summary>Success without a body: what OpenBao answers when a handler returns nothing.</summary>
    public static DevReply NoContent() => new(StatusCodes.Status204NoContent, Shape.EmptyJson);

    /// <summary>A status and no body (<c>HEAD sys/health</c>).</summary>
    public static DevReply StatusOnly(int status) => new(status, Shape.EmptyJson);

    /// <summary>200 with the standard envelope; <paramref name="data"/> may be null (warnings only).</summary>
    public static DevReply Ok(JsonNode? data, IReadOnlyList<string>? warnings = null) =>
        new(StatusCodes.Status200OK, Shape.Envelope, data, warnings);

    /// <summary>The envelope with another status, written raw: <c>logical.RespondWithStatusCode</c>.</summary>
    public static DevReply EnvelopeWithStatus(int status, JsonNode? data, IReadOnlyList<string>? warnings = null) =>
        new(status, Shape.Envelope, data, warnings);

    /// <summary><c>sys/mounts</c>: the data map is also copied to the top level (HTTPSysInjector).</summary>
    public static DevReply OkInjected(JsonObject data) => new(StatusCodes.Status200OK, Shape.Envelope, data, injectData: true);

    public static DevReply Error(int status, params string[] errors) => new(status, Shape.Errors, messages: errors);

    /// <summary><c>{"errors":[]}</c>: OpenBao's 404 for a missing secret, an empty list, an unknown method.</summary>
    public static DevReply Empty(int status) => new(status, Shape.Errors);

    public static DevReply Bare(int status, JsonObject body) => new(status, Shape.Bare, body);

    /// <summary>A JSON content type and no body: <c>RespondWithStatusCode(nil, …)</c>.</summary>
    public static DevReply EmptyJson(int status) => new(status, Shape.EmptyJson);

    public bool HasBody => shape is not Shape.EmptyJson;

    /// <summary>
    /// What the framework adds to a handler's response (ignored and replaced parameters): only a 200 envelope shows
    /// them; an error drops them and a raw body was written before they were added.
    /// </summary>
    public DevReply WithWarnings(IReadOnlyList<string> more) =>
        more.Count == 0 || shape != Shape.Envelope || Status != StatusCodes.Status200OK
            ? this
            : new DevReply(Status, shape, data, [.. messages, .. more], injectData);

    /// <summary>The body bytes; OpenBao's encoder adds a newline, its raw bodies do not.</summary>
    public byte[] Serialize(string requestId)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            switch (shape)
            {
                case Shape.Errors:
                    writer.WriteStartObject();
                    writer.WriteStartArray("errors");
                    foreach (var message in messages)
                        writer.WriteStringValue(message);
                    writer.WriteEndArray();
                    writer.WriteEndObject();
                    break;
                case Shape.Bare:
                    WriteInOrder(writer, data);
                    break;
                case Shape.Envelope:
                    WriteEnvelope(writer, requestId);
                    break;
                default:
                    return [];
            }
        }
        var rawNotFound = shape == Shape.Envelope && Status != StatusCodes.Status200OK;
        return rawNotFound ? buffer.WrittenSpan.ToArray() : [.. buffer.WrittenSpan, (byte)'\n'];
    }

    private void WriteEnvelope(Utf8JsonWriter writer, string requestId)
    {
        writer.WriteStartObject();
        if (injectData && data is JsonObject top)
        {
            foreach (var (key, value) in top.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                writer.WritePropertyName(key);
                WriteSorted(writer, value);
            }
        }
        writer.WriteString("request_id", requestId);
        writer.WriteString("lease_id", "");
        writer.WriteBoolean("renewable", false);
        writer.WriteNumber("lease_duration", 0);
        writer.WritePropertyName("data");
        WriteSorted(writer, data);
        writer.WriteNull("wrap_info");
        if (messages.Count == 0)
        {
            writer.WriteNull("warnings");
        }
        else
        {
            writer.WriteStartArray("warnings");
            foreach (var warning in messages)
                writer.WriteStringValue(warning);
            writer.WriteEndArray();
        }
        writer.WriteNull("auth");
        writer.WriteEndObject();
    }

    /// <summary>Go marshals every <c>map[string]interface{}</c> with its keys sorted, at every depth.</summary>
    private static void WriteSorted(Utf8JsonWriter writer, JsonNode? node)
    {
        switch (node)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonObject obj:
                writer.WriteStartObject();
                foreach (var (key, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    writer.WritePropertyName(key);
                    WriteSorted(writer, value);
                }
                writer.WriteEndObject();
                break;
            case JsonArray array:
                writer.WriteStartArray();
                foreach (var item in array)
                    WriteSorted(writer, item);
                writer.WriteEndArray();
                break;
            default:
                node.WriteTo(writer);
                break;
        }
    }

    /// <summary>A Go struct: fields in declaration order.</summary>
    private static void WriteInOrder(Utf8JsonWriter writer, JsonNode? node)
    {
        if (node is null)
            writer.WriteNullValue();
        else
            node.WriteTo(writer);
    }
}
