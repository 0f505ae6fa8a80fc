using System.Net;
using Secrets.Testing;
using static Secrets.Audit.Tests.AuditExpectations;
using static Secrets.Testing.HttpAssertions;

namespace Secrets.Audit.Tests.Features.RecordAudit;

/// <summary>
/// Every published AuditRecord becomes one event (docs/AUDIT.md) in the ring buffer, the SSE stream and the
/// structured log; failures are audited by the host from the operation's intent.
/// </summary>
public sealed class AuditRecordTests : IDisposable
{
    private const string ApiKeyUri = "yaml://secret/env#MY_API_KEY";
    private readonly SecretsHostFactory host = new();
    private readonly HttpClient client;

    public AuditRecordTests() => client = host.CreateClient();

    public void Dispose() => host.Dispose();

    [Fact]
    public async Task Successful_read_is_audited_with_every_spec_field()
    {
        const string correlationId = "audit-read-fields-1";
        const string traceId = "4bf92f3577b34da6a3ce929d0e0e4736";
        var before = DateTimeOffset.UtcNow;

        using var response = await client.SendAsync(Get($"/api/secrets/value?uri={Q(ApiKeyUri)}", correlationId,
            traceparent: $"00-{traceId}-00f067aa0ba902b7-01"));
        await response.ShouldBeOkJsonAsync();
        var after = DateTimeOffset.UtcNow;

        var e = (await AuditProbe.EventsAsync(client, "correlation_id=" + correlationId)).ShouldHaveSingleItem();
        var fields = e.AsObject();
        e.Str("event_type").ShouldBe("SECRET_READ");
        DateTimeOffset.Parse(e.Str("time")!, System.Globalization.CultureInfo.InvariantCulture)
            .ShouldBeInRange(before.AddSeconds(-1), after.AddSeconds(1));
        e.Str("tenant").ShouldBe("t1");
        e.Str("subject").ShouldBe("anonymous");
        fields.ContainsKey("client").ShouldBeTrue("the event has a client field (null for an anonymous caller)");
        e["client"].ShouldBeNull();
        e.Str("purpose").ShouldBe("execute");
        e.Str("effect").ShouldBe("success");
        e.Str("provider").ShouldBe("yaml");
        e.Str("decision_id").ShouldNotBeNullOrWhiteSpace();
        e.Str("resource_ref").ShouldBe(ResourceRef(ApiKeyUri));
        e.Str("resource_ref")!.ShouldMatch("^[A-Za-z0-9_-]{43}$");
        fields.ContainsKey("kv_version").ShouldBeTrue();
        e["kv_version"].ShouldBeNull();   // the YAML provider keeps no versions
        e.Str("correlation_id").ShouldBe(correlationId);
        e.Str("trace_id").ShouldBe(traceId);
        e.Str("span_id")!.ShouldMatch("^[0-9a-f]{16}$");
        e.Str("span_id").ShouldNotBe("0000000000000000");
        fields.ContainsKey("error_code").ShouldBeTrue();
        e["error_code"].ShouldBeNull();
        e.Str("uri").ShouldBe(ApiKeyUri);   // dev only
        e.ToJsonString().ShouldNotContain("dev-api-key");
        fields.ContainsKey("value").ShouldBeFalse();
    }

    [Fact]
    public async Task Trace_and_span_ids_are_present_without_an_incoming_traceparent()
    {
        await (await client.SendAsync(Get($"/api/secrets/value?uri={Q(ApiKeyUri)}", "audit-trace-1"))).ShouldBeOkJsonAsync();

        var e = (await AuditProbe.EventsAsync(client, "correlation_id=audit-trace-1")).ShouldHaveSingleItem();
        e.Str("trace_id")!.ShouldMatch("^[0-9a-f]{32}$");
        e.Str("span_id")!.ShouldMatch("^[0-9a-f]{16}$");
    }

    [Fact]
    public async Task Correlation_id_is_generated_when_none_is_sent_and_matches_the_response_header()
    {
        using var response = await client.GetAsync($"/api/secrets/value?uri={Q(ApiKeyUri)}");
        await response.ShouldBeOkJsonAsync();
        var sent = response.Headers.GetValues("X-Correlation-ID").ShouldHaveSingleItem();

        var e = (await AuditProbe.EventsAsync(client, "event_type=SECRET_READ")).ShouldHaveSingleItem();
        e.Str("correlation_id").ShouldBe(sent);
    }

    [Fact]
    public async Task Two_reads_have_distinct_decision_ids()
    {
        await (await client.SendAsync(Get($"/api/secrets/value?uri={Q(ApiKeyUri)}", "audit-dec-1"))).ShouldBeOkJsonAsync();
        await (await client.SendAsync(Get($"/api/secrets/value?uri={Q(ApiKeyUri)}", "audit-dec-2"))).ShouldBeOkJsonAsync();

        var first = (await AuditProbe.EventsAsync(client, "correlation_id=audit-dec-1")).ShouldHaveSingleItem().Str("decision_id");
        var second = (await AuditProbe.EventsAsync(client, "correlation_id=audit-dec-2")).ShouldHaveSingleItem().Str("decision_id");
        first.ShouldNotBeNullOrWhiteSpace();
        second.ShouldNotBeNullOrWhiteSpace();
        second.ShouldNotBe(first);
    }

    [Fact]
    public async Task Raw_uri_is_left_out_outside_dev_while_resource_ref_stays()
    {
        using var testHost = new SecretsHostFactory(new Dictionary<string, string?>
        {
            ["ENVIRONMENT"] = "test",
            ["ENABLE_DEV_ENDPOINTS"] = "true",
        });
        var testClient = testHost.CreateClient();

        await (await testClient.SendAsync(Get($"/api/secrets/value?uri={Q(ApiKeyUri)}", "audit-test-env-1"))).ShouldBeOkJsonAsync();

        var e = (await AuditProbe.EventsAsync(testClient, "correlation_id=audit-test-env-1")).ShouldHaveSingleItem();
        e["uri"].ShouldBeNull();
        e.Str("resource_ref").ShouldBe(ResourceRef(ApiKeyUri));
        e.Str("tenant").ShouldBe("t1");
        e.ToJsonString().ShouldNotContain("MY_API_KEY");
        e.ToJsonString().ShouldNotContain("secret/env");
        testHost.Logs.AuditLogEvents().ShouldHaveSingleItem().RenderMessage().ShouldNotContain("secret/env");
    }

    [Fact]
    public async Task Successful_write_is_audited_as_SECRET_WRITTEN_with_purpose_write()
    {
        const string uri = "yaml://secret/audit/written#k";
        using var response = await client.SendAsync(PostJson("/api/secrets", $$"""{"uri":"{{uri}}","value":"written-value-71"}""", "audit-write-1"));
        await response.ShouldBeOkJsonAsync();

        var e = (await AuditProbe.EventsAsync(client, "correlation_id=audit-write-1")).ShouldHaveSingleItem();
        e.Str("event_type").ShouldBe("SECRET_WRITTEN");
        e.Str("purpose").ShouldBe("write");
        e.Str("effect").ShouldBe("success");
        e.Str("resource_ref").ShouldBe(ResourceRef(uri));
        e.Str("decision_id").ShouldNotBeNullOrWhiteSpace();
        e.ToJsonString().ShouldNotContain("written-value-71");
    }

    [Theory]
    [InlineData("yaml://secret/nope#x", HttpStatusCode.NotFound, "SECRET_NOT_FOUND")]
    [InlineData("yaml://secret/env#NOPE", HttpStatusCode.NotFound, "FRAGMENT_NOT_FOUND")]
    [InlineData("yaml://secret/env#MY_API_KEY?version=2", HttpStatusCode.NotImplemented, "OPERATION_NOT_SUPPORTED")]
    public async Task Failed_read_is_audited_as_failure_with_its_error_code(string uri, HttpStatusCode status, string code)
    {
        var correlationId = "audit-fail-" + code;
        using var response = await client.SendAsync(Get($"/api/secrets/value?uri={Q(uri)}", correlationId));
        var problem = await response.ShouldBeProblemAsync(status, code);
        problem.Str("correlation_id").ShouldBe(correlationId);

        var e = (await AuditProbe.EventsAsync(client, "correlation_id=" + correlationId)).ShouldHaveSingleItem();
        e.Str("event_type").ShouldBe("SECRET_READ");
        e.Str("effect").ShouldBe("failure");
        e.Str("error_code").ShouldBe(code);
        e.Str("purpose").ShouldBe("execute");
        e.Str("provider").ShouldBe("yaml");
        e.Str("tenant").ShouldBe("t1");
        e.Str("subject").ShouldBe("anonymous");
        e.Str("resource_ref").ShouldBe(ResourceRef(uri));
        e.Str("trace_id")!.ShouldMatch("^[0-9a-f]{32}$");
    }

    [Fact]
    public async Task Write_refused_in_prod_is_audited_as_deny_ENVIRONMENT_GUARD()
    {
        const string uri = "yaml://secret/env#NEW_KEY";
        using var prod = new SecretsHostFactory(new Dictionary<string, string?>(SecretsHostFactory.ProdWithYaml)
        {
            ["TENANT_SALT"] = "prod-salt-9f8e7d6c5b4a",
        });
        var prodClient = prod.CreateClient();

        using var response = await prodClient.SendAsync(PostJson("/api/secrets", $$"""{"uri":"{{uri}}","value":"prod-value-55"}""", "audit-prod-write-1"));
        await response.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "ENVIRONMENT_GUARD");

        var line = prod.Logs.AuditLogEvents().Where(l => (string?)l.Prop("CorrelationId") == "audit-prod-write-1").ShouldHaveSingleItem();
        line.Prop("EventType").ShouldBe("SECRET_WRITTEN");
        line.Prop("Effect").ShouldBe("deny");
        line.Prop("ErrorCode").ShouldBe("ENVIRONMENT_GUARD");
        line.Prop("Purpose").ShouldBe("write");
        line.Prop("Subject").ShouldBe("anonymous");
        line.Prop("ResourceRef").ShouldBe(ResourceRef(uri, "prod-salt-9f8e7d6c5b4a"));
        ((string?)line.Prop("DecisionId")).ShouldNotBeNullOrWhiteSpace();
        prod.Logs.AllText().ShouldNotContain("prod-value-55");
        prod.Logs.AllText().ShouldNotContain("secret/env");   // never the raw URI outside dev
    }

    [Theory]
    [InlineData("not a uri", "MALFORMED_URI")]
    [InlineData("yaml://secret/../env#MY_API_KEY", "ILLEGAL_SEGMENT")]
    [InlineData("yaml://host:1/secret/env", "AMBIGUOUS_MOUNT")]
    [InlineData("vault://secret/env", "UNSUPPORTED_PROVIDER")]
    [InlineData("yaml://secret/env?foo=1", "AMBIGUOUS_QUERY")]
    public async Task Uri_that_does_not_parse_produces_no_record_with_a_resource_ref(string uri, string code)
    {
        var correlationId = "audit-unparsed-" + code;
        using var response = await client.SendAsync(Get($"/api/secrets/value?uri={Q(uri)}", correlationId));
        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, code);

        var events = await AuditProbe.EventsAsync(client, "correlation_id=" + correlationId);
        events.Count.ShouldBeLessThanOrEqualTo(1);
        events.ShouldAllBe(e => e["resource_ref"] == null);
        (await AuditProbe.EventsAsync(client)).ShouldAllBe(e => e["resource_ref"] == null);
    }

    /// <summary>method, path, body, status, event_type, purpose, effect, error_code.</summary>
    public static TheoryData<string, string, string?, int, string, string, string, string?> OneRecordRequests => new()
    {
        { "GET", "/api/secrets/value?uri=" + Q(ApiKeyUri), null, 200, "SECRET_READ", "execute", "success", null },
        { "GET", "/api/secrets?uri=" + Q(ApiKeyUri), null, 200, "SECRET_READ", "read", "success", null },
        { "GET", "/api/secrets/value?uri=" + Q("yaml://secret/nope#x"), null, 404, "SECRET_READ", "execute", "failure", "SECRET_NOT_FOUND" },
        { "GET", "/api/secrets/value?uri=" + Q("yaml://secret/env#NOPE"), null, 404, "SECRET_READ", "execute", "failure", "FRAGMENT_NOT_FOUND" },
        { "GET", "/api/secrets/value?uri=" + Q(ApiKeyUri) + "&version=3", null, 501, "SECRET_READ", "execute", "failure", "OPERATION_NOT_SUPPORTED" },
        { "POST", "/api/secrets", """{"uri":"yaml://secret/once#k","value":"v"}""", 200, "SECRET_WRITTEN", "write", "success", null },
        { "POST", "/api/secrets", """{"uri":"yaml://secret/once","value":"not-an-object"}""", 400, "SECRET_WRITTEN", "write", "failure", "INVALID_VALUE" },
        { "POST", "/api/secrets", """{"uri":"yaml://secret/env/MY_API_KEY/below#k","value":"v"}""", 409, "SECRET_WRITTEN", "write", "failure", "PATH_CONFLICT" },
        { "DELETE", "/api/secrets?uri=" + Q("yaml://secret/env#OTHER"), null, 204, "SECRET_DELETED", "delete", "success", null },
        { "DELETE", "/api/secrets?uri=" + Q("yaml://secret/absent"), null, 404, "SECRET_DELETED", "delete", "failure", "SECRET_NOT_FOUND" },
        { "GET", "/api/secrets/keys?uri=" + Q("yaml://secret"), null, 200, "SECRET_METADATA_READ", "read_metadata", "success", null },
        { "GET", "/api/secrets/metadata?prefix=" + Q("yaml://secret/*"), null, 200, "SECRET_METADATA_READ", "read_metadata", "success", null },
        { "POST", "/api/secrets/rotate", """{"uri":"yaml://secret/env#OTHER","value":"rotated"}""", 200, "SECRET_ROTATED", "rotate", "success", null },
    };

    [Theory]
    [MemberData(nameof(OneRecordRequests))]
    public async Task Each_operation_is_audited_exactly_once_with_its_type_purpose_and_outcome(
        string method, string path, string? body, int status, string eventType, string purpose, string effect, string? errorCode)
    {
        var correlationId = "audit-once-" + Guid.NewGuid().ToString("N");
        using var request = body is null ? Get(path, correlationId) : PostJson(path, body, correlationId);
        request.Method = new HttpMethod(method);

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        ((int)response.StatusCode).ShouldBe(status, text);

        var e = (await AuditProbe.EventsAsync(client, "correlation_id=" + correlationId)).ShouldHaveSingleItem();
        e.Str("event_type").ShouldBe(eventType);
        e.Str("purpose").ShouldBe(purpose);
        e.Str("effect").ShouldBe(effect);
        e.Str("error_code").ShouldBe(errorCode);
        e.Str("resource_ref")!.ShouldMatch("^[A-Za-z0-9_-]{43}$");
        if (errorCode == "OPERATION_NOT_SUPPORTED")
            e["decision_id"].ShouldBeNull();   // the capability check comes before the PEP: no decision was made
        else
            e.Str("decision_id").ShouldNotBeNullOrWhiteSpace();
        // AUDIT_LOG defaults to failures in dev: denies and failures also go to the application log, successes do not
        host.Logs.AuditLogEvents().Count(l => (string?)l.Prop("CorrelationId") == correlationId).ShouldBe(effect == "success" ? 0 : 1);
    }

    [Fact]
    public async Task Tenant_mount_violation_is_audited()
    {
        // An audit event for every decision (docs/AUDIT.md); the tenant guard is the first, fail-closed decision (docs/URIS.md#tenant-guard).
        const string uri = "yaml://other/app#token";
        using var response = await client.SendAsync(Get($"/api/secrets/value?uri={Q(uri)}", "audit-tenant-1"));
        await response.ShouldBeProblemAsync(HttpStatusCode.BadRequest, "TENANT_MOUNT_MISMATCH");

        var e = (await AuditProbe.EventsAsync(client, "correlation_id=audit-tenant-1")).ShouldHaveSingleItem(
            "a request refused by the tenant guard leaves an audit record");
        e.Str("error_code").ShouldBe("TENANT_MOUNT_MISMATCH");
        e.Str("effect").ShouldBeOneOf("deny", "failure");
        e.Str("resource_ref").ShouldBe(ResourceRef(uri));
        e.Str("tenant").ShouldBe("t1");
    }

    [Fact]
    public async Task Response_problem_body_and_audit_carry_the_same_correlation_id()
    {
        using var ok = await client.SendAsync(Get($"/api/secrets/value?uri={Q(ApiKeyUri)}", "corr-echo-1"));
        ok.Headers.GetValues("X-Correlation-ID").ShouldHaveSingleItem().ShouldBe("corr-echo-1");

        using var failed = await client.SendAsync(Get($"/api/secrets/value?uri={Q("yaml://secret/nope#x")}", "corr-echo-2"));
        failed.Headers.GetValues("X-Correlation-ID").ShouldHaveSingleItem().ShouldBe("corr-echo-2");
        (await failed.ShouldBeProblemAsync(HttpStatusCode.NotFound, "SECRET_NOT_FOUND")).Str("correlation_id").ShouldBe("corr-echo-2");
        (await AuditProbe.EventsAsync(client, "correlation_id=corr-echo-2")).ShouldHaveSingleItem();
    }

    [Theory]
    [InlineData("has spaces in it")]
    [InlineData("semi;colon")]
    [InlineData("x")]
    public async Task Unusable_incoming_correlation_id_is_replaced_and_the_audit_uses_the_replacement(string incoming)
    {
        var value = incoming == "x" ? new string('x', 129) : incoming;
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/secrets/value?uri={Q(ApiKeyUri)}");
        request.Headers.TryAddWithoutValidation("X-Correlation-ID", value).ShouldBeTrue();

        using var response = await client.SendAsync(request);
        await response.ShouldBeOkJsonAsync();
        var issued = response.Headers.GetValues("X-Correlation-ID").ShouldHaveSingleItem();

        issued.ShouldNotBe(value);
        var e = (await AuditProbe.EventsAsync(client)).ShouldHaveSingleItem();
        e.Str("correlation_id").ShouldBe(issued);
        host.Logs.AllText().ShouldNotContain(value);
    }

    [Fact]
    public void Every_spec_event_type_has_its_wire_name()
    {
        string[] spec =
        [
            "SECRET_READ", "SECRET_WRITTEN", "SECRET_DELETED", "SECRET_DESTROYED", "SECRET_UNDELETED", "SECRET_ROTATED",
            "SECRET_METADATA_READ", "SECRET_OWNER_UPDATED", "SECRET_COPIED", "SECRET_MOVED", "AUTHZ_DENIED", "REPLAY_DENIED",
            "BINDING_DENIED",
        ];

        var names = Enum.GetValues<Contracts.AuditType>().Select(Secrets.Audit.Log.AuditTrail.EventTypeName).ToList();

        names.ShouldBeUnique();
        foreach (var type in spec)
            names.ShouldContain(type);
    }

    [Fact]
    public async Task Buffer_event_and_log_line_agree()
    {
        await (await client.SendAsync(Get($"/api/secrets/value?uri={Q("yaml://secret/nope#x")}", "audit-agree-1")))
            .ShouldBeProblemAsync(HttpStatusCode.NotFound, "SECRET_NOT_FOUND");

        var e = (await AuditProbe.EventsAsync(client, "correlation_id=audit-agree-1")).ShouldHaveSingleItem();
        var line = host.Logs.AuditLogEvents().ShouldHaveSingleItem();
        line.Prop("EventType").ShouldBe(e.Str("event_type"));
        line.Prop("Effect").ShouldBe(e.Str("effect"));
        line.Prop("ResourceRef").ShouldBe(e.Str("resource_ref"));
        line.Prop("DecisionId").ShouldBe(e.Str("decision_id"));
        line.Prop("ErrorCode").ShouldBe(e.Str("error_code"));
        line.Prop("CorrelationId").ShouldBe("audit-agree-1");
    }
}
