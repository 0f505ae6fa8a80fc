using System.Globalization;
using System.Text;
using CsCheck;

namespace Secrets.Host.Tests.Bodies;

/// <summary>
/// Generators of request bodies for every endpoint that reads one: random JSON (wrong types, missing and extra members,
/// nulls, huge numbers, deep nesting, huge strings, invalid UTF-8, truncation) and well-typed bodies built from
/// near-valid values. Values meant to be stored carry <see cref="RequestMarker"/>, so a test can see whether an answer
/// echoes one.
/// </summary>
internal static class RequestBodies
{
    /// <summary>A value every generated <c>value</c> field carries: it may come back only where an endpoint returns values.</summary>
    public const string RequestMarker = "canary-body-6c1e0f3a9d";

    /// <summary>A body to send: its bytes and content type (null: no Content-Type header).</summary>
    public sealed record Body(byte[] Bytes, string? ContentType)
    {
        public override string ToString()
        {
            var text = Encoding.UTF8.GetString(Bytes);
            return $"{ContentType ?? "(none)"} {Bytes.Length} bytes: {(text.Length > 400 ? text[..400] + "…" : text)}";
        }
    }

    /// <summary>One endpoint: method, path (the route with its parameters filled in) and the members its body may have.</summary>
    public sealed record Target(string Method, string Path, IReadOnlyList<(string Name, Gen<string> Value)> Members, bool Binary = false)
    {
        public override string ToString() => Method + " " + Path;
    }

    // ---- JSON values, as text --------------------------------------------------------------------

    private static Gen<string> Json(params string[] texts) => Gen.OneOf(texts);

    private static string Quote(string s) => System.Text.Json.JsonSerializer.Serialize(s);

    private static readonly Gen<string> OddScalar = Json(
        "null", "true", "false", "0", "-1", "1.5", "1e400", "-1e400", "99999999999999999999999", "2147483648", "-2147483649",
        "\"\"", "\"\\u0000\"", "\"\\ud800\"", "[]", "{}", "[null]", "{\"\":null}");

    private static readonly Gen<string> UriText = Gen.OneOf(
        Gen.OneOf(
            "yaml://secret/fuzz/a", "yaml://secret/fuzz/b#k", "yaml://secret/env#MY_API_KEY", "yaml://secret/env", "yaml://secret/fuzz/*",
            "yaml://team/shared#token", "openbao+kv2://secret/fuzz/a", "openbao+kv2://secret/fuzz/a#k", "openbao+kv2://secret/fuzz/*",
            "openbao://secret/fuzz/c?version=1", "hashicorp+kv2://kv/fuzz/d", "yaml://elsewhere/x", "yaml://secret/../x",
            "yaml://secret/a%zz", "yaml://secret/a%2Fb", "yaml://secret/a*b", "vault://secret/x", "yaml://host:8200/x", "secret/x",
            "yaml://secret/x#", "yaml://secret/x?version=0", "yaml://secret/x?foo=1", "yaml://secret/é/ß", "yaml://secret/\u0001",
            "yaml://secret/x#a#b", ""),
        Gen.Int[1, 3000].Select(n => "yaml://secret/" + new string('a', n)));

    private static readonly Gen<string> UriValue = Gen.Frequency((6, UriText.Select(Quote)), (1, OddScalar));

    private static readonly Gen<string> SecretValueJson = Gen.Frequency(
        (6, Json($$"""{"k":"{{RequestMarker}}"}""", $$"""{"k":"{{RequestMarker}}","n":1}""", $$"""{"{{RequestMarker}}":"v"}""",
                 $"\"{RequestMarker}\"", "{\"a\":{\"b\":\"" + RequestMarker + "\"}}", $"[\"{RequestMarker}\"]", "{}", "{\"k\":null}")),
        (2, OddScalar),
        (1, Gen.Int[1, 20_000].Select(n => $$"""{"k":"{{RequestMarker}}{{new string('x', n)}}"}""")));

    private static readonly Gen<string> IntValue = Gen.Frequency(
        (4, Json("0", "1", "2", "3")),
        (2, Json("-1", "2147483647", "2147483648", "1e3", "1.0", "1.5", "\"1\"", "null", "true", "99999999999999999999")),
        (1, OddScalar));

    private static readonly Gen<string> BoolValue = Gen.Frequency((4, Json("true", "false")), (1, Json("\"true\"", "1", "null")), (1, OddScalar));

    private static readonly Gen<string> VersionsValue = Gen.Frequency(
        (4, Json("[1]", "[1,2]", "[2]", "[3,1]")),
        (2, Json("[]", "[0]", "[-1]", "null", "\"1\"", "[\"1\"]", "[2147483648]", "[1.5]", "[null]", "1")),
        (1, Gen.Int[90, 120].Select(n => "[" + string.Join(',', Enumerable.Range(1, n)) + "]")),
        (1, OddScalar));

    private static readonly Gen<string> GenerateValue = Gen.Frequency(
        (4, Json("{}", "{\"length\":16}", "{\"length\":32,\"alphabet\":\"alnum\"}", "{\"alphabet\":\"hex\"}")),
        (2, Json("{\"length\":0}", "{\"length\":5000}", "{\"length\":-1}", "{\"alphabet\":\"nope\"}", "{\"length\":\"8\"}", "{\"other\":1}")),
        (1, OddScalar));

    private static readonly Gen<string> OwnerValue = Gen.Frequency(
        (4, Json("\"team-a\"", "\"alice@example.com\"", "\"\"")),
        (1, Gen.Int[200, 5000].Select(n => Quote(new string('o', n)))),
        (1, OddScalar));

    private static readonly Gen<string> OpValue = Gen.Frequency(
        (6, Json("\"set\"", "\"delete\"", "\"undelete\"", "\"destroy\"", "\"rotate\"", "\"rollback\"")),
        (1, Json("\"SET\"", "\"copy\"", "\"\"", "\"write\"")), (1, OddScalar));

    private static readonly Gen<string> BulkOperation = ObjectOf(
        [("op", OpValue), ("uri", UriValue), ("value", SecretValueJson), ("versions", VersionsValue), ("generate", GenerateValue), ("to_version", IntValue)]);

    private static readonly Gen<string> BulkOperations = Gen.Frequency(
        (6, BulkOperation.Array[0, 6].Select(ops => "[" + string.Join(',', ops) + "]")),
        (1, Gen.Int[100, 1200].Select(n => "[" + string.Join(',', Enumerable.Repeat("{\"op\":\"delete\",\"uri\":\"yaml://secret/fuzz/z\"}", n)) + "]")),
        (1, OddScalar));

    private static Gen<string> Entity(string typeName, params (string Name, Gen<string> Value)[] more) =>
        Gen.Frequency(
            (6, ObjectOf([("type", Json(Quote(typeName), "\"\"", "\"other\"").Select(t => t)), ("id", Gen.OneOf(UriValue, Json("\"alice\"", "\"\""))),
                ("properties", Gen.OneOf(Json("{}", "{\"a\":1}", "[]", "null", "{\"x\":{\"y\":[1,2,{\"z\":null}]}}"), OddScalar)), .. more])),
            (1, OddScalar));

    private static readonly Gen<string> AuthZenSubject = Entity("user");
    private static readonly Gen<string> AuthZenResource = Entity("secret");
    private static readonly Gen<string> AuthZenAction = Gen.Frequency(
        (6, ObjectOf([("name", Json("\"read\"", "\"write\"", "\"execute\"", "\"delete\"", "\"\"", "\"can_read\"")), ("properties", Json("{}", "null", "1"))])),
        (1, OddScalar));
    private static readonly Gen<string> AuthZenContext = Gen.Frequency((4, Json("{}", "{\"time\":\"2026-01-01T00:00:00Z\"}", "{\"a\":[1,2]}")), (1, OddScalar));

    private static readonly (string, Gen<string>)[] AuthZenMembers =
        [("subject", AuthZenSubject), ("action", AuthZenAction), ("resource", AuthZenResource), ("context", AuthZenContext)];

    private static readonly Gen<string> Evaluations = Gen.Frequency(
        (6, ObjectOf(AuthZenMembers).Array[0, 5].Select(items => "[" + string.Join(',', items) + "]")),
        (1, OddScalar));

    private static readonly Gen<string> EvaluationOptions = Gen.Frequency(
        (4, Json("{\"evaluations_semantic\":\"execute_all\"}", "{\"evaluations_semantic\":\"deny_on_first_deny\"}",
                 "{\"evaluations_semantic\":\"permit_on_first_permit\"}", "{\"evaluations_semantic\":\"nope\"}", "{\"evaluations_semantic\":1}")),
        (1, OddScalar));

    private static readonly Gen<string> Page = Gen.Frequency((4, Json("{\"limit\":1}", "{\"token\":\"x\"}", "{\"limit\":0}", "{\"limit\":-1}", "{\"token\":1}")), (1, OddScalar));

    // ---- the endpoints ---------------------------------------------------------------------------

    /// <summary>Every endpoint that reads a request body (the approval id is in the route, the restore body is an archive).</summary>
    public static readonly Target[] Targets =
    [
        new("POST", "/api/secrets", [("uri", UriValue), ("value", SecretValueJson), ("cas", IntValue)]),
        new("POST", "/api/secrets/rotate", [("uri", UriValue), ("value", SecretValueJson), ("generate", GenerateValue), ("return_value", BoolValue)]),
        new("POST", "/api/secrets/rollback", [("uri", UriValue), ("to_version", IntValue)]),
        new("POST", "/api/secrets/copy", [("fromUri", UriValue), ("toUri", UriValue), ("overwrite", BoolValue)]),
        new("POST", "/api/secrets/move", [("fromUri", UriValue), ("toUri", UriValue), ("overwrite", BoolValue)]),
        new("POST", "/api/secrets/bulk", [("operations", BulkOperations), ("continueOnError", BoolValue)]),
        new("POST", "/api/secrets/undelete", [("uri", UriValue), ("versions", VersionsValue)]),
        new("POST", "/api/secrets/destroy-versions", [("uri", UriValue), ("versions", VersionsValue)]),
        new("DELETE", "/api/secrets", [("uri", UriValue), ("destroy", BoolValue)]),
        new("POST", "/api/secrets/metadata/owner", [("uri", UriValue), ("owner", OwnerValue)]),
        new("POST", "/api/secrets/approvals/0123456789abcdef/approve", [("comment", OwnerValue)]),
        new("POST", "/api/secrets/admin/backup", [("prefix", UriValue)]),
        new("POST", "/api/secrets/admin/restore", [], Binary: true),
        new("POST", "/access/v1/evaluation", AuthZenMembers),
        new("POST", "/access/v1/evaluations", [.. AuthZenMembers, ("evaluations", Evaluations), ("options", EvaluationOptions)]),
        new("POST", "/access/v1/search/subject", [.. AuthZenMembers, ("page", Page)]),
        new("POST", "/access/v1/search/resource", [.. AuthZenMembers, ("page", Page)]),
        new("POST", "/access/v1/search/action", [.. AuthZenMembers, ("page", Page)]),
    ];

    public static Target Find(string method, string path) => Targets.Single(t => t.Method == method && t.Path == path);

    // ---- bodies ----------------------------------------------------------------------------------

    /// <summary>An object with each member present or not, in generated order, sometimes with an unknown or a repeated member.</summary>
    private static Gen<string> ObjectOf(IReadOnlyList<(string Name, Gen<string> Value)> members)
    {
        var present = members.Select(m => Gen.Frequency((4, m.Value.Select(v => Quote(m.Name) + ":" + v)), (1, Gen.Const(""))));
        var extra = Gen.Frequency(
            (8, Gen.Const("")),
            (1, Gen.Const($"\"{RequestMarker}\":1")),
            (1, Gen.OneOf(members.Select(m => m.Value.Select(v => Quote(m.Name) + ":" + v)).DefaultIfEmpty(Gen.Const("\"x\":1")).ToArray())));
        var all = present.Append(extra).Aggregate(Gen.Const(Array.Empty<string>()), (acc, g) => Gen.Select(acc, g, (list, item) => (string[])[.. list, item]));
        return Gen.Select(all, Gen.Bool,
            (parts, reversed) => "{" + string.Join(',', (reversed ? parts.Reverse() : parts).Where(p => p.Length > 0)) + "}");
    }

    /// <summary>Any JSON value up to a small depth, with member names from the endpoint and elsewhere.</summary>
    private static Gen<string> AnyJson(IReadOnlyList<string> names, int depth)
    {
        var name = Gen.Frequency((3, Gen.OneOf(names.DefaultIfEmpty("x").ToArray())), (1, Gen.String[0, 8]), (1, Gen.Const(RequestMarker)));
        var scalar = Gen.Frequency(
            (4, OddScalar),
            (2, Gen.String[0, 20].Select(Quote)),
            (1, Gen.Double.Select(d => double.IsFinite(d) ? d.ToString("R", CultureInfo.InvariantCulture) : "1e999")),
            (1, Gen.Long.Select(l => l.ToString(CultureInfo.InvariantCulture))));
        if (depth == 0)
            return scalar;
        var inner = AnyJson(names, depth - 1);
        return Gen.Frequency(
            (3, scalar),
            (1, inner.Array[0, 4].Select(items => "[" + string.Join(',', items) + "]")),
            (2, Gen.Select(name, inner).Array[0, 5].Select(members => "{" + string.Join(',', members.Select(m => Quote(m.Item1) + ":" + m.Item2)) + "}")));
    }

    /// <summary>JSON text made unreadable or extreme: cut short, deeply nested, huge, invalid UTF-8, or not JSON at all.</summary>
    private static Gen<byte[]> Damaged(Gen<string> json) =>
        Gen.Select(json, Gen.Int[0, 11], Gen.Int[0, int.MaxValue], (text, damage, at) => damage switch
        {
            0 => Encoding.UTF8.GetBytes(text[..(at % (text.Length + 1))]),
            1 => Encoding.UTF8.GetBytes(new string('[', 64 + at % 5000) + text),
            2 => Encoding.UTF8.GetBytes("{\"a\":" + string.Concat(Enumerable.Repeat("{\"a\":", 60 + at % 200)) + "1" + new string('}', 61 + at % 200)),
            3 => [.. Encoding.UTF8.GetBytes(text[..(at % (text.Length + 1))]), 0xC3, 0x28, 0xFF, .. Encoding.UTF8.GetBytes(text[(at % (text.Length + 1))..])],
            4 => Encoding.UTF8.GetBytes("{\"uri\":\"" + new string('u', 100_000 + at % 1_000_000) + "\"}"),
            5 => Encoding.UTF8.GetBytes("\uFEFF" + text),
            6 => Encoding.UTF8.GetBytes(text + text),
            7 => [],
            _ => Encoding.UTF8.GetBytes(text),
        });

    /// <summary>Bodies for a JSON endpoint: near-valid, random JSON, damaged JSON, and now and then another content type.</summary>
    public static Gen<Body> For(Target target)
    {
        ArgumentNullException.ThrowIfNull(target);
        if (target.Binary)
            return Gen.Frequency(
                (3, Gen.Byte.Array[0, 4096].Select(b => new Body(b, "application/octet-stream"))),
                (1, Gen.Byte.Array[0, 256].Select(b => new Body(b, null))));
        var wellTyped = ObjectOf(target.Members);
        var random = AnyJson([.. target.Members.Select(m => m.Name)], 3);
        var json = Gen.Frequency(
            (5, wellTyped.Select(Encoding.UTF8.GetBytes)),
            (2, random.Select(Encoding.UTF8.GetBytes)),
            (2, Damaged(Gen.Frequency((2, wellTyped), (1, random)))));
        var contentType = Gen.Frequency(
            (20, Gen.Const<string?>("application/json")),
            (1, Gen.OneOf<string?>("application/json; charset=utf-16", "text/plain", "application/x-www-form-urlencoded", null, "application/json; charset=utf-8")));
        return Gen.Select(json, contentType, (bytes, type) => new Body(bytes, type));
    }
}
