using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Secrets.Testing;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using WireMock.Settings;
using static Secrets.Audit.Tests.AuditExpectations;
using static Secrets.Testing.HttpAssertions;

namespace Secrets.Audit.Tests.Settlement;

/// <summary>
/// The audit settlement (docs/AUDIT.md): every request to an audited endpoint — every /api/secrets
/// endpoint but /audit and /events — has exactly one record for its outcome, found by its correlation
/// id; a bulk request one per operation that ran, or one SECRET_BULK record when its body is refused.
/// Each endpoint × {success, deny by policy, a listing filtered to nothing, provider failure, missing field, malformed JSON}; a row
/// is left out only where the outcome cannot happen (a provider failure of the YAML-only dev read,
/// malformed JSON on a GET or DELETE).
/// </summary>
public sealed class OneRecordPerRequestTests(OneRecordHosts hosts) : IClassFixture<OneRecordHosts>
{
    public static readonly string[] Endpoints =
    [
        "GET /api/secrets", "GET /value", "POST /api/secrets", "DELETE", "DELETE destroy", "undelete", "destroy-versions",
        "owner", "metadata", "metadata/detail", "keys", "versions", "search", "rotate", "copy", "move", "bulk",
    ];

    private static readonly string[] PostEndpoints = ["POST /api/secrets", "undelete", "destroy-versions", "owner", "rotate", "copy", "move", "bulk"];

    /// <summary>Endpoints YAML cannot serve: their success and deny rows use the embedded KVv2 server.</summary>
    private static readonly string[] Kv2Only = ["DELETE destroy", "undelete", "destroy-versions", "owner", "metadata/detail", "versions"];

    /// <summary>Endpoints that list below a folder: their URI is the folder, the arranged secret is below it.</summary>
    private static readonly string[] Listings = ["metadata", "keys", "search"];

    public static TheoryData<string, string> Rows()
    {
        var rows = new TheoryData<string, string>();
        foreach (var endpoint in Endpoints)
        {
            rows.Add(endpoint, "success");
            rows.Add(endpoint, "deny");
            if (Listings.Contains(endpoint))
                rows.Add(endpoint, "filtered to nothing");
            if (endpoint != "GET /api/secrets")   // the plain map read is a YAML dev helper: no KVv2 provider behind it
                rows.Add(endpoint, "provider failure");
            rows.Add(endpoint, "missing field");
            if (PostEndpoints.Contains(endpoint))
                rows.Add(endpoint, "malformed JSON");
        }
        return rows;
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public async Task Each_request_has_exactly_one_audit_record_for_its_outcome(string endpoint, string outcome)
    {
        var id = Guid.NewGuid().ToString("N")[..10];
        var correlation = "one-record-" + id;
        var (client, call, expected) = outcome switch
        {
            "success" => (hosts.Dev, await ArrangeSuccessAsync(hosts.Dev, endpoint, id), Success(endpoint)),
            "deny" => (hosts.Denying, Call(endpoint, Uris(endpoint, id, kv: Kv2Only.Contains(endpoint)), continueOnError: true), Deny(endpoint)),
            "filtered to nothing" => (hosts.Filtering, Call(endpoint, Uris(endpoint, id, kv: false), continueOnError: true), FilteredToNothing(endpoint)),
            "provider failure" => (hosts.FailingProvider, Call(endpoint, Uris(endpoint, id, kv: true), continueOnError: false), ProviderFailure(endpoint)),
            "missing field" => (hosts.Dev, MissingField(endpoint), Refusal(endpoint)),
            _ => (hosts.Dev, new Request("POST", PathOf(endpoint), """{"uri": "yaml://secret/x", """), Refusal(endpoint)),
        };

        using var response = await SendAsync(client, call, correlation);

        var text = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBe(expected.Status, text);
        if (expected.Code is not null)
            await response.ShouldBeProblemAsync((HttpStatusCode)expected.Status, expected.Code);
        else if (expected.BulkResults is { } results)
            ShouldBeBulkResults(JsonNode.Parse(text)!, results);

        var records = (await AuditProbe.EventsAsync(client, "correlation_id=" + correlation)).OrderBy(r => r["seq"]!.GetValue<long>()).ToList();
        var all = string.Join('\n', records.Select(r => r.ToJsonString()));
        records.ShouldAllBe(r => r.Str("correlation_id") == correlation, all);
        if (expected.Refused)
        {
            records.ShouldBeRequestRefusal(expected.Records[0].Type, "INVALID_REQUEST");
            return;
        }
        records.Count.ShouldBe(expected.Records.Count, all);
        for (var i = 0; i < records.Count; i++)
        {
            var (record, want) = (records[i], expected.Records[i]);
            (record.Str("event_type"), record.Str("effect"), record.Str("error_code")).ShouldBe((want.Type, want.Effect, want.Error), all);
            record.Str("resource_ref").ShouldNotBeNullOrEmpty(all);   // every record here names the secret its URI parsed to
            record.Str("decision_id").ShouldNotBeNullOrEmpty(all);    // and reached the PEP
            if (want.Purpose is not null)
                record.Str("purpose").ShouldBe(want.Purpose, all);
        }
    }

    // ---- the requests ----

    private sealed record Request(string Method, string Path, string? Body);

    /// <summary>One expected record: type, effect, error code, and the purpose when the row fixes it.</summary>
    private sealed record Record(string Type, string Effect, string? Error, string? Purpose = null);

    /// <summary>The answer (status, problem code or bulk results) and the records.</summary>
    private sealed record Expected(int Status, string? Code, IReadOnlyList<Record> Records, IReadOnlyList<(int Status, string? Code)>? BulkResults = null,
        bool Refused = false);

    /// <summary>The URI the request names and a second one (a copy's or move's destination).</summary>
    private static (string Uri, string Other) Uris(string endpoint, string id, bool kv)
    {
        var root = (kv ? "openbao+kv2" : "yaml") + "://secret/one-record/" + id;
        return (Listings.Contains(endpoint) ? root : root + "/s", root + "/dest");
    }

    private static string PathOf(string endpoint) => endpoint switch
    {
        "GET /api/secrets" or "POST /api/secrets" or "DELETE" or "DELETE destroy" => "/api/secrets",
        "GET /value" => "/api/secrets/value",
        "owner" => "/api/secrets/metadata/owner",
        _ => "/api/secrets/" + endpoint,
    };

    private static Request Call(string endpoint, (string Uri, string Other) uris, bool continueOnError)
    {
        var (u, other) = uris;
        return endpoint switch
        {
            "GET /api/secrets" or "GET /value" or "metadata/detail" or "keys" or "versions" => new("GET", $"{PathOf(endpoint)}?uri={Q(u)}", null),
            "metadata" => new("GET", $"/api/secrets/metadata?prefix={Q(u)}", null),
            "search" => new("GET", $"/api/secrets/search?q=s&prefix={Q(u)}", null),
            "DELETE" => new("DELETE", $"/api/secrets?uri={Q(u)}", null),
            "DELETE destroy" => new("DELETE", $"/api/secrets?uri={Q(u)}&destroy=true", null),
            "POST /api/secrets" => new("POST", "/api/secrets", Json(new { uri = u, value = new { k = "v" } })),
            "undelete" or "destroy-versions" => new("POST", PathOf(endpoint), Json(new { uri = u, versions = new[] { 1 } })),
            "owner" => new("POST", PathOf(endpoint), Json(new { uri = u, owner = "bob" })),
            "rotate" => new("POST", PathOf(endpoint), Json(new { uri = u, value = new { k = "rotated" } })),
            "copy" or "move" => new("POST", PathOf(endpoint), Json(new { fromUri = u, toUri = other })),
            "bulk" => new("POST", PathOf(endpoint), Json(new
            {
                operations = new object[] { new { op = "set", uri = u, value = new { k = "v" } }, new { op = "delete", uri = u } },
                continueOnError,
            })),
            _ => throw new ArgumentOutOfRangeException(nameof(endpoint), endpoint, null),
        };
    }

    /// <summary>The request with its one required field (or query parameter) left out.</summary>
    private static Request MissingField(string endpoint) => endpoint switch
    {
        "DELETE" => new("DELETE", "/api/secrets", null),
        "DELETE destroy" => new("DELETE", "/api/secrets?destroy=true", null),
        "search" => new("GET", "/api/secrets/search?prefix=" + Q("yaml://secret/*"), null),
        "POST /api/secrets" or "rotate" => new("POST", PathOf(endpoint), """{"uri":"yaml://secret/env"}"""),
        "undelete" or "destroy-versions" => new("POST", PathOf(endpoint), """{"uri":"openbao+kv2://secret/x"}"""),
        "owner" => new("POST", PathOf(endpoint), """{"uri":"openbao+kv2://secret/x"}"""),
        "copy" or "move" => new("POST", PathOf(endpoint), """{"fromUri":"yaml://secret/env"}"""),
        "bulk" => new("POST", PathOf(endpoint), """{"continueOnError":true}"""),
        _ => new("GET", PathOf(endpoint), null),
    };

    /// <summary>What must exist for the request to succeed, written now (with correlation ids of their own); the request.</summary>
    private static async Task<Request> ArrangeSuccessAsync(HttpClient client, string endpoint, string id)
    {
        var kv = Kv2Only.Contains(endpoint);
        var uris = Uris(endpoint, id, kv);
        var stored = Listings.Contains(endpoint) ? uris.Uri + "/s" : uris.Uri;
        switch (endpoint)
        {
            case "GET /api/secrets" or "GET /value" or "POST /api/secrets" or "bulk":
                break;
            case "undelete":
                await WriteAsync(client, stored);
                (await client.DeleteAsync("/api/secrets?uri=" + Q(stored))).StatusCode.ShouldBe(HttpStatusCode.NoContent);
                break;
            default:
                await WriteAsync(client, stored);
                break;
        }
        return endpoint switch
        {
            "GET /api/secrets" or "GET /value" => Call(endpoint, ("yaml://secret/env#MY_API_KEY", ""), false),
            _ => Call(endpoint, uris, continueOnError: false),
        };
    }

    private static async Task WriteAsync(HttpClient client, string uri) =>
        await (await client.PostJsonAsync("/api/secrets", new { uri, value = new { k = "v" } })).ShouldBeOkJsonAsync();

    // ---- what each outcome is audited as ----

    private static string TypeOf(string endpoint) => endpoint switch
    {
        "GET /api/secrets" or "GET /value" => "SECRET_READ",
        "POST /api/secrets" => "SECRET_WRITTEN",
        "DELETE" => "SECRET_DELETED",
        "DELETE destroy" or "destroy-versions" => "SECRET_DESTROYED",
        "undelete" => "SECRET_UNDELETED",
        "owner" => "SECRET_OWNER_UPDATED",
        "rotate" => "SECRET_ROTATED",
        "copy" => "SECRET_COPIED",
        "move" => "SECRET_MOVED",
        "bulk" => "SECRET_BULK",
        _ => "SECRET_METADATA_READ",
    };

    private static string PurposeOf(string endpoint) => endpoint switch
    {
        "GET /api/secrets" => "read",
        "GET /value" => "execute",
        "POST /api/secrets" or "copy" or "move" => "write",   // copy and move: the record is about the destination
        "DELETE" => "delete",
        "DELETE destroy" or "destroy-versions" => "destroy_versions",
        "undelete" => "undelete",
        "owner" => "owner_update",
        "rotate" => "rotate",
        _ => "read_metadata",
    };

    private static int SuccessStatus(string endpoint) =>
        endpoint is "DELETE" or "DELETE destroy" or "undelete" or "destroy-versions" ? 204 : 200;

    private static Expected Success(string endpoint) => endpoint == "bulk"
        ? new(200, null, [new("SECRET_WRITTEN", "success", null, "write"), new("SECRET_DELETED", "success", null, "delete")], [(200, null), (204, null)])
        : new(SuccessStatus(endpoint), null, [new(TypeOf(endpoint), "success", null, PurposeOf(endpoint))]);

    /// <summary>The policy denies every use; a bulk request with continueOnError runs (and is refused) both operations.</summary>
    private static Expected Deny(string endpoint) => endpoint == "bulk"
        ? new(200, null, [new("AUTHZ_DENIED", "deny", "SECRET_AUTHZ_FAILED", "write"), new("AUTHZ_DENIED", "deny", "SECRET_AUTHZ_FAILED", "delete")],
            [(403, "SECRET_AUTHZ_FAILED"), (403, "SECRET_AUTHZ_FAILED")])
        : new(403, "SECRET_AUTHZ_FAILED", [new("AUTHZ_DENIED", "deny", "SECRET_AUTHZ_FAILED", endpoint is "copy" or "move" ? null : PurposeOf(endpoint))]);

    /// <summary>A listing the empty policy filters to nothing: keys of a folder with nothing visible is 404 as an empty one, the others an empty page.</summary>
    private static Expected FilteredToNothing(string endpoint) => endpoint == "keys"
        ? new(404, "SECRET_NOT_FOUND", [new(TypeOf(endpoint), "failure", "SECRET_NOT_FOUND", "read_metadata")])
        : new(200, null, [new(TypeOf(endpoint), "success", null, "read_metadata")]);

    /// <summary>The provider answers 500: 502 PROVIDER_ERROR; a bulk request without continueOnError stops after its first operation.</summary>
    private static Expected ProviderFailure(string endpoint) => endpoint == "bulk"
        ? new(200, null, [new("SECRET_WRITTEN", "failure", "PROVIDER_ERROR", "write")], [(502, "PROVIDER_ERROR")])
        : new(502, "PROVIDER_ERROR", [new(TypeOf(endpoint), "failure", "PROVIDER_ERROR", PurposeOf(endpoint))]);

    private static Expected Refusal(string endpoint) => new(400, "INVALID_REQUEST", [new(TypeOf(endpoint), "failure", "INVALID_REQUEST")], Refused: true);

    // ---- helpers ----

    private static readonly JsonSerializerOptions Web = new(JsonSerializerDefaults.Web);

    private static string Json(object body) => JsonSerializer.Serialize(body, Web);

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, Request call, string correlation)
    {
        using var request = call.Body is null ? Get(call.Path, correlation) : PostJson(call.Path, call.Body, correlation);
        request.Method = new HttpMethod(call.Method);
        var response = await client.SendAsync(request);
        await response.Content.LoadIntoBufferAsync();
        return response;
    }

    private static void ShouldBeBulkResults(JsonNode body, IReadOnlyList<(int Status, string? Code)> expected)
    {
        var text = body.ToJsonString();
        var results = body["results"]!.AsArray();
        results.Select(r => (r!["status"]!.GetValue<int>(), r["code"]?.GetValue<string>())).ToList().ShouldBe(expected, text);
    }
}
