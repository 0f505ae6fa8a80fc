using System.Net;
using System.Text.Json.Nodes;
using Secrets.Policy.Contracts;
using Secrets.Policy.Decisions;
using Secrets.Policy.Embedded;
using Secrets.Policy.Tests.AuthZen;
using Secrets.Shared.Kernel;
using Secrets.Testing;
using Secrets.Testing.Policy;
using static Secrets.Testing.HttpAssertions;

namespace Secrets.Policy.Tests.Features.AuthZen;

/// <summary>
/// The embedded PDP's own AuthZEN endpoints (docs/AUTHORIZATION.md#the-embedded-pdp-over-authzen), over HTTP with a scripted PDP in the embedded
/// PDP's place: the decisions and their JSON, the three semantics, bad input, and when they are served.
/// </summary>
public sealed class AuthZenEndpointsTests : IDisposable
{
    private const string Evaluation = "/access/v1/evaluation";
    private const string Evaluations = "/access/v1/evaluations";
    private const string Configuration = "/.well-known/authzen-configuration";

    private readonly List<IDisposable> owned = [];

    public void Dispose()
    {
        foreach (var d in owned)
            d.Dispose();
    }

    // ---- one evaluation ----

    [Fact]
    public async Task A_permit_answers_decision_id_and_obligations_and_the_PDP_got_every_member()
    {
        var (pdp, client) = Host();

        var body = await (await client.PostRawAsync(Evaluation, """
            {
              "subject": {"type": "user", "id": "alice", "properties": {"tenant_id": "t1", "client_id": "cli-1", "issuer": "https://issuer.example", "cnf_binding": "jkt-1"}},
              "resource": {"type": "secret", "id": "OpenBao+KV2://secret/app/db#password",
                           "properties": {"tenant_id": "t1", "mount": "secret", "resource_attributes": {"owner": "bob", "created_by": "carol", "created_at": "2024-05-01T12:00:00.123Z"}}},
              "action": {"name": "read"},
              "context": {"aud": ["crud.secrets", "x"], "token_jti": "jti-1", "correlation_id": "corr-1", "workflow_run_id": "wf-1", "node_id": "n-1", "system_id": "s-1"}
            }
            """)).ShouldBeOkJsonAsync();

        body.ToJsonString().ShouldBe("""{"decision":true,"context":{"decision_id":"dec_alice_read_app_db","obligations":{"ttl_seconds":60,"max_uses":3,"require_binding":"dpop"},"reason":"alice"}}""");
        var (requests, semantic) = pdp.Calls.ShouldHaveSingleItem();
        semantic.ShouldBe(EvaluationSemantic.ExecuteAll);
        var asked = requests.ShouldHaveSingleItem();
        asked.Subject.ShouldBe(new Decisions.PolicySubject("user", "alice", "t1", "cli-1", "https://issuer.example", "jkt-1"));
        asked.Resource.Uri.ToString().ShouldBe("openbao+kv2://secret/app/db#password");
        asked.Resource.TenantId.ShouldBe("t1");
        asked.Resource.Attributes.ShouldBe(new ResourceAttributes("bob", "carol", new DateTimeOffset(2024, 5, 1, 12, 0, 0, 123, TimeSpan.Zero)));
        asked.Action.ShouldBe("read");
        asked.Context.Audiences.ShouldBe(["crud.secrets", "x"]);
        (asked.Context.TokenJti, asked.Context.CorrelationId, asked.Context.WorkflowRunId, asked.Context.NodeId, asked.Context.SystemId)
            .ShouldBe(("jti-1", "corr-1", "wf-1", "n-1", "s-1"));
    }

    [Fact]
    public async Task A_deny_answers_a_decision_id_and_reason_and_no_obligations()
    {
        var (_, client) = Host();

        var body = await (await client.PostRawAsync(Evaluation, Single("mallory", "yaml://secret/env#MY_API_KEY", "execute"))).ShouldBeOkJsonAsync();

        body.ToJsonString().ShouldBe("""{"decision":false,"context":{"decision_id":"dec_mallory_execute_env","reason":"no rule matched"}}""");
    }

    [Fact]
    public async Task A_permit_without_obligations_omits_them_and_a_verdict_without_id_gets_a_new_one()
    {
        var (_, client) = Host();

        var owner = await (await client.PostRawAsync(Evaluation, """
            {"subject":{"type":"user","id":"bob"},"resource":{"type":"secret","id":"yaml://secret/env","properties":{"resource_attributes":{"owner":"bob"}}},"action":{"name":"read"}}
            """)).ShouldBeOkJsonAsync();
        var refused = await (await client.PostRawAsync(Evaluation, Single("alice", "yaml://secret/../env", "read"))).ShouldBeOkJsonAsync();

        owner.ToJsonString().ShouldBe("""{"decision":true,"context":{"decision_id":"dec_bob_read_env","obligations":{"max_uses":1}}}""");
        Str(refused["context"]!["decision_id"]).ShouldStartWith("dec_");
    }

    [Fact]
    public async Task Unknown_and_extra_members_are_accepted()
    {
        var (pdp, client) = Host();

        var response = await client.PostRawAsync(Evaluation, """
            {
              "subject": {"type": "client", "id": "svc-1", "name": "Service One", "properties": {"tenant_id": "t1", "department": "ops", "roles": ["a", "b"]}},
              "resource": {"type": "secret", "id": "yaml://secret/env", "properties": {"mount": "secret", "labels": {"x": 1}, "resource_attributes": {"owner": "svc-1", "color": "blue"}}},
              "action": {"name": "read", "properties": {"method": "GET"}},
              "context": {"aud": "crud.secrets", "time": "2024-01-01T00:00:00Z", "ip": "10.0.0.1", "nested": {"deep": [1, 2, {"x": null}]}},
              "extension": true
            }
            """);

        (await response.ShouldBeOkJsonAsync())["decision"]!.GetValue<bool>().ShouldBeTrue();
        var asked = pdp.AllAsked.ShouldHaveSingleItem();
        asked.Subject.Type.ShouldBe("client");
        asked.Context.Audiences.ShouldBe(["crud.secrets"]);   // a single aud string is one audience
    }

    [Fact]
    public async Task Properties_and_context_reach_the_PDP_as_given_action_properties_too()
    {
        var (pdp, client) = Host();

        await (await client.PostRawAsync(Evaluation, """
            {
              "subject": {"type": "user", "id": "alice", "properties": {"tenant_id": "t1", "department": "ops", "roles": ["a", "b"], "clearance": 3}},
              "resource": {"type": "secret", "id": "yaml://secret/env", "properties": {"labels": {"x": 1}, "resource_attributes": {"owner": "bob", "color": "blue"}}},
              "action": {"name": "read", "properties": {"method": "GET", "soft": true}},
              "context": {"time": "2024-01-01T00:00:00Z", "nested": {"deep": [1, 2, {"x": null}]}}
            }
            """)).ShouldBeOkJsonAsync();

        var given = pdp.AllAsked.ShouldHaveSingleItem().Properties.ShouldNotBeNull();
        given.Subject!.Value.GetRawText().ShouldBe("""{"tenant_id": "t1", "department": "ops", "roles": ["a", "b"], "clearance": 3}""");
        given.Resource!.Value.GetProperty("labels").GetProperty("x").GetInt32().ShouldBe(1);
        given.Resource!.Value.GetProperty("resource_attributes").GetProperty("color").GetString().ShouldBe("blue");
        given.Action!.Value.GetRawText().ShouldBe("""{"method": "GET", "soft": true}""");
        given.Context!.Value.GetProperty("nested").GetProperty("deep")[2].GetProperty("x").ValueKind.ShouldBe(System.Text.Json.JsonValueKind.Null);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/json; charset=iso-8859-1")]
    [InlineData(null)]
    public async Task A_body_that_is_not_sent_as_application_json_is_400_INVALID_REQUEST(string? contentType)
    {
        var (pdp, client) = Host();
        using var content = new ByteArrayContent(System.Text.Encoding.UTF8.GetBytes(Single("alice", "yaml://secret/env", "read")));
        if (contentType is not null)
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);

        foreach (var path in new[] { Evaluation, Evaluations })
            (await (await client.PostAsync(path, content)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "INVALID_REQUEST"))["detail"]!
                .GetValue<string>().ShouldContain("application/json");
        pdp.Calls.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("Application/JSON")]
    public async Task Application_json_with_or_without_a_utf_8_charset_is_read(string contentType)
    {
        var (_, client) = Host();
        using var content = new StringContent(Single("alice", "yaml://secret/env", "read"));
        content.Headers.Remove("Content-Type");
        content.Headers.TryAddWithoutValidation("Content-Type", contentType);

        (await (await client.PostAsync(Evaluation, content)).ShouldBeOkJsonAsync())["decision"]!.GetValue<bool>().ShouldBeTrue();
    }

    [Theory]
    [InlineData("""{"subject":{"type":"user","id":"mallory","id":"alice"},"resource":{"type":"secret","id":"yaml://secret/env"},"action":{"name":"read"}}""")]
    [InlineData("""{"subject":{"type":"user","id":"alice"},"resource":{"type":"secret","id":"yaml://secret/env"},"action":{"name":"read"},"action":{"name":"destroy_versions"}}""")]
    [InlineData("""{"subject":{"type":"user","id":"alice","properties":{"tenant_id":"t1","tenant_id":"t2"}},"resource":{"type":"secret","id":"yaml://secret/env"},"action":{"name":"read"}}""")]
    public async Task A_member_given_twice_is_400_INVALID_REQUEST_never_the_last_one(string body)
    {
        var (pdp, client) = Host();

        await (await client.PostRawAsync(Evaluation, body)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "INVALID_REQUEST");
        await (await client.PostRawAsync(Evaluations, body)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "INVALID_REQUEST");
        pdp.Calls.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("""{"resource":{"type":"secret","id":"yaml://secret/env"},"action":{"name":"read"}}""")]
    [InlineData("""{"subject":{"type":"user","id":"alice"},"action":{"name":"read"}}""")]
    [InlineData("""{"subject":{"type":"user","id":"alice"},"resource":{"type":"secret","id":"yaml://secret/env"}}""")]
    [InlineData("""{"subject":{"type":"user"},"resource":{"type":"secret","id":"yaml://secret/env"},"action":{"name":"read"}}""")]
    [InlineData("""{"subject":{"id":"alice"},"resource":{"type":"secret","id":"yaml://secret/env"},"action":{"name":"read"}}""")]
    [InlineData("""{"subject":{"type":"user","id":"alice"},"resource":{"type":"secret"},"action":{"name":"read"}}""")]
    [InlineData("""{"subject":{"type":"user","id":"alice"},"resource":{"id":"yaml://secret/env"},"action":{"name":"read"}}""")]
    [InlineData("""{"subject":{"type":"user","id":"alice"},"resource":{"type":"secret","id":"yaml://secret/env"},"action":{}}""")]
    [InlineData("""{"subject":{"type":"user","id":""},"resource":{"type":"secret","id":"yaml://secret/env"},"action":{"name":"read"}}""")]
    [InlineData("""{"subject":"alice","resource":{"type":"secret","id":"yaml://secret/env"},"action":{"name":"read"}}""")]
    [InlineData("""{"subject":{"type":"user","id":7},"resource":{"type":"secret","id":"yaml://secret/env"},"action":{"name":"read"}}""")]
    [InlineData("""{"subject":{"type":"user","id":"alice"},"resource":{"type":"secret","id":"yaml://secret/env","properties":{"resource_attributes":{"created_at":"yesterday"}}},"action":{"name":"read"}}""")]
    [InlineData("""{"subject":{"type":"user","id":"alice"},"resource":{"type":"secret","id":"yaml://secret/env"},"action":{"name":"read"},"context":{"aud":[1]}}""")]
    [InlineData("""{"subject":{"type":"user","id":"alice"}""")]
    [InlineData("""[{"subject":{"type":"user","id":"alice"}}]""")]
    [InlineData("null")]
    [InlineData("not json")]
    [InlineData("")]
    public async Task Missing_members_or_wrong_JSON_is_400_INVALID_REQUEST(string body)
    {
        var (pdp, client) = Host();

        await (await client.PostRawAsync(Evaluation, body)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "INVALID_REQUEST");
        pdp.Calls.ShouldBeEmpty();
    }

    [Theory]
    [InlineData("user", "secret", "yaml://secret/../env", "read", "resource id is not a canonical secret uri")]
    [InlineData("user", "secret", "https://example.com/env", "read", "resource id is not a canonical secret uri")]
    [InlineData("user", "secret", "yaml://secret/a*b", "read", "resource id is not a canonical secret uri")]
    [InlineData("user", "secret", "yaml://secret/env", "READ", "unknown action")]
    [InlineData("user", "secret", "yaml://secret/env", "can_read", "unknown action")]
    [InlineData("user", "document", "yaml://secret/env", "read", "unsupported resource type")]
    [InlineData("group", "secret", "yaml://secret/env", "read", "unsupported subject type")]
    public async Task A_question_this_PDP_has_no_policies_for_is_a_deny_with_a_reason_not_an_error(
        string subjectType, string resourceType, string resourceId, string action, string reason)
    {
        var (pdp, client) = Host();

        var body = await (await client.PostRawAsync(Evaluation, $$$"""
            {"subject":{"type":"{{{subjectType}}}","id":"alice"},"resource":{"type":"{{{resourceType}}}","id":"{{{resourceId}}}"},"action":{"name":"{{{action}}}"}}
            """)).ShouldBeOkJsonAsync();

        body["decision"]!.GetValue<bool>().ShouldBeFalse();
        Str(body["context"]!["reason"]).ShouldBe(reason);
        Str(body["context"]!["decision_id"]).ShouldStartWith("dec_");
        body["context"]!["obligations"].ShouldBeNull();
        pdp.Calls.ShouldBeEmpty();
    }

    [Theory]
    [InlineData(200, """{"subject":{"type":"user","id":"alice"},"resource":{"type":"secret","id":"yaml://secret/env"},"action":{"name":"read"}}""")]
    [InlineData(400, """{"subject":{"type":"user"}}""")]
    [InlineData(400, "not json")]
    public async Task The_PEPs_X_Request_ID_comes_back_on_the_answer(int status, string body)
    {
        var (_, client) = Host();

        using var response = await SendWithRequestIdAsync(client, Evaluation, body, "req-42");

        ((int)response.StatusCode).ShouldBe(status);
        response.Headers.GetValues("X-Request-ID").ShouldBe(["req-42"]);
    }

    [Fact]
    public async Task The_X_Request_ID_comes_back_on_503_404_and_on_any_length()
    {
        var (pdp, client) = Host();
        var longId = new string('r', 2000);
        pdp.Unavailable = true;

        using (var unavailable = await SendWithRequestIdAsync(client, Evaluation, Single("alice", "yaml://secret/env", "read"), longId))
        {
            unavailable.StatusCode.ShouldBe(HttpStatusCode.ServiceUnavailable);
            unavailable.Headers.GetValues("X-Request-ID").ShouldBe([longId]);
        }
        var (_, off) = Host(new() { ["ENABLE_AUTHZEN_ENDPOINTS"] = "false" });
        using var notServed = await SendWithRequestIdAsync(off, Evaluations, "{}", "req-404");
        notServed.StatusCode.ShouldBe(HttpStatusCode.NotFound);
        notServed.Headers.GetValues("X-Request-ID").ShouldBe(["req-404"]);
    }

    [Fact]
    public async Task The_X_Request_ID_comes_back_on_413_and_429_which_the_host_writes_before_the_endpoint()
    {
        var (_, limited) = Host(new() { ["MAX_REQUEST_BODY_BYTES"] = "1024", ["RATE_LIMIT_PER_CLIENT_RPS"] = "1", ["RATE_LIMIT_BURST"] = "1" });

        using var tooLarge = await SendWithRequestIdAsync(limited, Evaluation, "{\"pad\":\"" + new string('x', 2048) + "\"}", "req-413");
        tooLarge.StatusCode.ShouldBe(HttpStatusCode.RequestEntityTooLarge);
        tooLarge.Headers.GetValues("X-Request-ID").ShouldBe(["req-413"]);

        HttpResponseMessage? rejected = null;
        for (var i = 0; i < 5 && rejected is null; i++)
        {
            var response = await SendWithRequestIdAsync(limited, Evaluation, Single("alice", "yaml://secret/env", "read"), "req-429-" + i);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
                rejected = response;
            else
                response.Dispose();
        }
        using (rejected)
        {
            rejected.ShouldNotBeNull();
            rejected.Headers.GetValues("X-Request-ID").Single().ShouldStartWith("req-429-");
        }
    }

    [Fact]
    public async Task A_prefix_resource_is_a_question()
    {
        var (pdp, client) = Host();

        var body = await (await client.PostRawAsync(Evaluation, Single("alice", "yaml://secret/app/*", "read_metadata"))).ShouldBeOkJsonAsync();

        body["decision"]!.GetValue<bool>().ShouldBeTrue();
        pdp.AllAsked.ShouldHaveSingleItem().Resource.Uri.IsPrefix.ShouldBeTrue();
    }

    [Fact]
    public async Task A_PDP_that_cannot_answer_is_503_PDP_UNAVAILABLE()
    {
        var (pdp, client) = Host();
        pdp.Unavailable = true;

        await (await client.PostRawAsync(Evaluation, Single("alice", "yaml://secret/env", "read")))
            .ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable, "PDP_UNAVAILABLE");
        await (await client.PostRawAsync(Evaluations, Batch("execute_all", Item("alice", "read"), Item("bob", "read"))))
            .ShouldBeProblemAsync(HttpStatusCode.ServiceUnavailable, "PDP_UNAVAILABLE");
    }

    // ---- batches ----

    [Theory]
    [InlineData("execute_all", 4, EvaluationSemantic.ExecuteAll)]
    [InlineData("deny_on_first_deny", 2, EvaluationSemantic.DenyOnFirstDeny)]
    [InlineData("permit_on_first_permit", 1, EvaluationSemantic.PermitOnFirstPermit)]
    [InlineData(null, 4, EvaluationSemantic.ExecuteAll)]
    public async Task A_batch_answers_per_its_semantic(string? semantic, int answered, EvaluationSemantic passed)
    {
        var (pdp, client) = Host();
        string[] items = [Item("alice", "read"), Item("mallory", "read"), Item("alice", "write"), Item("alice", "destroy_versions")];

        var body = await (await client.PostRawAsync(Evaluations, Batch(semantic, items))).ShouldBeOkJsonAsync();

        var decisions = body["evaluations"]!.AsArray();
        bool[] expected = [true, false, true, false];
        decisions.Select(d => d!["decision"]!.GetValue<bool>()).ShouldBe(expected.Take(answered));
        decisions.Select(d => Str(d!["context"]!["decision_id"])).ShouldBe(
            new[] { "dec_alice_read_env", "dec_mallory_read_env", "dec_alice_write_env", "dec_alice_destroy_versions_env" }.Take(answered));
        decisions[0]!["context"]!["obligations"]!["ttl_seconds"]!.GetValue<int>().ShouldBe(60);
        decisions.Where(d => !d!["decision"]!.GetValue<bool>()).ShouldAllBe(d => d!["context"]!["obligations"] == null);
        pdp.Calls.ShouldHaveSingleItem().Semantic.ShouldBe(passed);
    }

    [Fact]
    public async Task Top_level_members_are_defaults_each_item_may_replace()
    {
        var (pdp, client) = Host();

        var body = await (await client.PostRawAsync(Evaluations, """
            {
              "subject": {"type": "user", "id": "alice"},
              "action": {"name": "read"},
              "context": {"correlation_id": "corr-top"},
              "evaluations": [
                {"resource": {"type": "secret", "id": "yaml://secret/a"}},
                {"resource": {"type": "secret", "id": "yaml://secret/b"}, "subject": {"type": "user", "id": "mallory"}},
                {"resource": {"type": "secret", "id": "yaml://secret/c"}, "action": {"name": "destroy_versions"}, "context": {"node_id": "n-9"}}
              ]
            }
            """)).ShouldBeOkJsonAsync();

        body["evaluations"]!.AsArray().Select(d => d!["decision"]!.GetValue<bool>()).ShouldBe([true, false, false]);
        var asked = pdp.AllAsked;
        asked.Select(r => (r.Subject.Id, r.Action, r.Resource.Uri.ToString())).ShouldBe([
            ("alice", "read", "yaml://secret/a"), ("mallory", "read", "yaml://secret/b"), ("alice", "destroy_versions", "yaml://secret/c")]);
        asked.Select(r => r.Context.CorrelationId).ShouldBe(["corr-top", "corr-top", null]);   // an item's context replaces the default whole
        asked[2].Context.NodeId.ShouldBe("n-9");
    }

    [Theory]
    [InlineData("deny_on_first_deny", 2, 1)]
    [InlineData("execute_all", 4, 3)]
    [InlineData("permit_on_first_permit", 1, 1)]
    public async Task A_refused_item_is_a_deny_in_its_place_and_counts_for_the_semantic(string semantic, int answered, int askedOfPdp)
    {
        var (pdp, client) = Host();
        string[] items = [Item("alice", "read"), Item("alice", "fly"), Item("alice", "write"), Item("alice", "rotate")];

        var body = await (await client.PostRawAsync(Evaluations, Batch(semantic, items))).ShouldBeOkJsonAsync();

        var decisions = body["evaluations"]!.AsArray();
        decisions.Select(d => d!["decision"]!.GetValue<bool>()).ShouldBe(new[] { true, false, true, true }.Take(answered));
        if (answered > 1)
            Str(decisions[1]!["context"]!["reason"]).ShouldBe("unknown action");
        pdp.AllAsked.Count.ShouldBe(askedOfPdp);
    }

    [Fact]
    public async Task A_batch_without_items_is_one_evaluation_of_the_top_level()
    {
        var (_, client) = Host();

        var body = await (await client.PostRawAsync(Evaluations, """
            {"subject":{"type":"user","id":"alice"},"action":{"name":"read"},"resource":{"type":"secret","id":"yaml://secret/env"},"evaluations":[]}
            """)).ShouldBeOkJsonAsync();

        body["decision"]!.GetValue<bool>().ShouldBeTrue();
        body["evaluations"].ShouldBeNull();
    }

    [Theory]
    [InlineData("""{"subject":{"type":"user","id":"alice"},"action":{"name":"read"},"evaluations":[{"resource":{"type":"secret","id":"yaml://secret/a"}}],"options":{"evaluations_semantic":"first_wins"}}""")]
    [InlineData("""{"subject":{"type":"user","id":"alice"},"action":{"name":"read"},"evaluations":[{"resource":{"type":"secret","id":"yaml://secret/a"}}],"options":{"evaluations_semantic":1}}""")]
    [InlineData("""{"subject":{"type":"user","id":"alice"},"action":{"name":"read"},"evaluations":[{"resource":{"type":"secret","id":"yaml://secret/a"}}],"options":"execute_all"}""")]
    [InlineData("""{"subject":{"type":"user","id":"alice"},"action":{"name":"read"},"evaluations":{"resource":{"type":"secret","id":"yaml://secret/a"}}}""")]
    [InlineData("""{"subject":"alice","action":{"name":"read"},"evaluations":[{"resource":{"type":"secret","id":"yaml://secret/a"}}]}""")]
    [InlineData("""{"subject":{"type":"user"},"action":{"name":"read"},"evaluations":[{"subject":{"type":"user","id":"alice"},"resource":{"type":"secret","id":"yaml://secret/a"}}]}""")]
    [InlineData("""{"evaluations":[]}""")]
    [InlineData("""{}""")]
    [InlineData("""[]""")]
    [InlineData("not json")]
    [InlineData("")]
    public async Task A_malformed_batch_as_a_whole_is_400_and_nothing_is_evaluated(string body)
    {
        var (pdp, client) = Host();

        await (await client.PostRawAsync(Evaluations, body)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "INVALID_REQUEST");
        pdp.Calls.ShouldBeEmpty();
    }

    /// <summary>The certification scenario's case: one item without a resource (and no default) in an otherwise valid batch.</summary>
    private const string OneItemWithoutResource = """
        {
          "subject": {"type": "user", "id": "alice"},
          "action": {"name": "read"},
          "options": {"evaluations_semantic": "SEMANTIC"},
          "evaluations": [
            {"resource": {"type": "secret", "id": "yaml://secret/app/a"}},
            {},
            {"resource": {"type": "secret", "id": "yaml://secret/app/c"}}
          ]
        }
        """;

    [Fact]
    public async Task A_malformed_item_is_that_items_deny_with_its_error_and_the_others_are_evaluated()
    {
        var (pdp, client) = Host();

        var body = await (await client.PostRawAsync(Evaluations, OneItemWithoutResource.Replace("SEMANTIC", "execute_all", StringComparison.Ordinal))).ShouldBeOkJsonAsync();

        var decisions = body["evaluations"]!.AsArray();
        decisions.Select(d => d!["decision"]!.GetValue<bool>()).ShouldBe([true, false, true]);
        decisions[1]!["context"]!["error"]!["status"]!.GetValue<int>().ShouldBe(400);
        Str(decisions[1]!["context"]!["error"]!["message"]).ShouldBe("resource is missing or invalid");
        Str(decisions[1]!["context"]!["reason"]).ShouldBe("invalid evaluation");
        Str(decisions[1]!["context"]!["decision_id"]).ShouldStartWith("dec_");
        decisions[0]!["context"]!["error"].ShouldBeNull();
        pdp.AllAsked.Select(r => r.Resource.Uri.ToString()).ShouldBe(["yaml://secret/app/a", "yaml://secret/app/c"]);
    }

    [Fact]
    public async Task Under_deny_on_first_deny_a_malformed_item_ends_the_batch()
    {
        var (pdp, client) = Host();

        var body = await (await client.PostRawAsync(Evaluations, OneItemWithoutResource.Replace("SEMANTIC", "deny_on_first_deny", StringComparison.Ordinal))).ShouldBeOkJsonAsync();

        var decisions = body["evaluations"]!.AsArray();
        decisions.Select(d => d!["decision"]!.GetValue<bool>()).ShouldBe([true, false]);
        decisions[1]!["context"]!["error"]!["status"]!.GetValue<int>().ShouldBe(400);
        pdp.AllAsked.Count.ShouldBe(1);
    }

    [Theory]
    [InlineData("null", "the evaluation is not an object")]
    [InlineData("\"alice\"", "the evaluation is not an object")]
    [InlineData("""{"resource":{"type":"secret"}}""", "resource is missing or invalid")]
    [InlineData("""{"resource":{"type":"secret","id":7}}""", "resource is missing or invalid")]
    [InlineData("""{"resource":{"type":"secret","id":"yaml://secret/app/b"},"subject":{"id":"bob"}}""", "subject is missing or invalid")]
    [InlineData("""{"resource":{"type":"secret","id":"yaml://secret/app/b"},"action":{"name":5}}""", "action is missing or invalid")]
    [InlineData("""{"resource":{"type":"secret","id":"yaml://secret/app/b"},"context":{"aud":[1]}}""", "context is invalid")]
    [InlineData("""{"resource":{"type":"secret","id":"yaml://secret/app/b","properties":{"resource_attributes":{"created_at":"yesterday"}}}}""",
        "resource.properties.resource_attributes.created_at is not a date")]
    public async Task Each_kind_of_malformed_item_is_an_item_error_naming_the_member(string item, string message)
    {
        var (pdp, client) = Host();
        var body = OneItemWithoutResource.Replace("SEMANTIC", "execute_all", StringComparison.Ordinal).Replace("{},", item + ",", StringComparison.Ordinal);

        var decisions = (await (await client.PostRawAsync(Evaluations, body)).ShouldBeOkJsonAsync())["evaluations"]!.AsArray();

        decisions.Count.ShouldBe(3);
        decisions[1]!["decision"]!.GetValue<bool>().ShouldBeFalse();
        Str(decisions[1]!["context"]!["error"]!["message"]).ShouldBe(message);
        pdp.AllAsked.Count.ShouldBe(2);
    }

    [Fact]
    public async Task A_batch_accepts_unknown_options_and_members()
    {
        var (_, client) = Host();

        var body = await (await client.PostRawAsync(Evaluations, """
            {"subject":{"type":"user","id":"alice","x":1},"action":{"name":"read"},"evaluations":[{"resource":{"type":"secret","id":"yaml://secret/a"},"note":"n"}],
             "options":{"evaluations_semantic":"execute_all","page_size":10},"trace":{"id":"t"}}
            """)).ShouldBeOkJsonAsync();

        body["evaluations"]!.AsArray().Count.ShouldBe(1);
    }

    // ---- configuration ----

    [Fact]
    public async Task The_configuration_document_names_every_endpoint_from_the_request_in_dev()
    {
        var (_, client) = Host();

        using var response = await client.GetAsync(Configuration);

        (await response.ShouldBeOkJsonAsync()).ToJsonString().ShouldBe("""
            {"policy_decision_point":"http://localhost","access_evaluation_endpoint":"http://localhost/access/v1/evaluation","access_evaluations_endpoint":"http://localhost/access/v1/evaluations","search_subject_endpoint":"http://localhost/access/v1/search/subject","search_resource_endpoint":"http://localhost/access/v1/search/resource","search_action_endpoint":"http://localhost/access/v1/search/action"}
            """);
        response.Content.Headers.ContentType!.MediaType.ShouldBe("application/json");
        response.Headers.CacheControl!.ToString().ShouldBe("public, max-age=300");
    }

    [Fact]
    public async Task The_configuration_document_uses_SECRETS_PUBLIC_BASE_URL_and_its_path_is_inserted_after_the_well_known_path()
    {
        var (_, client) = Host(new() { ["SECRETS_PUBLIC_BASE_URL"] = "https://secrets.example.com/pdp/" });

        var body = await (await client.GetAsync(Configuration + "/pdp")).ShouldBeOkJsonAsync();

        body.ToJsonString().ShouldBe("""
            {"policy_decision_point":"https://secrets.example.com/pdp","access_evaluation_endpoint":"https://secrets.example.com/pdp/access/v1/evaluation","access_evaluations_endpoint":"https://secrets.example.com/pdp/access/v1/evaluations","search_subject_endpoint":"https://secrets.example.com/pdp/access/v1/search/subject","search_resource_endpoint":"https://secrets.example.com/pdp/access/v1/search/resource","search_action_endpoint":"https://secrets.example.com/pdp/access/v1/search/action"}
            """);
        await (await client.GetAsync(Configuration)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");          // the document of https://secrets.example.com
        await (await client.GetAsync(Configuration + "/other")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    [Fact]
    public async Task Outside_dev_the_identifier_from_the_request_is_https()
    {
        var (_, client) = Host(TestProfile());

        var body = await (await client.GetAsync(Configuration)).ShouldBeOkJsonAsync();

        Str(body["policy_decision_point"]).ShouldBe("https://localhost");
        Str(body["access_evaluation_endpoint"]).ShouldBe("https://localhost/access/v1/evaluation");
    }

    [Fact]
    public void Outside_dev_an_http_SECRETS_PUBLIC_BASE_URL_is_a_startup_error_while_the_endpoints_are_on()
    {
        var settings = TestProfile();
        settings["SECRETS_PUBLIC_BASE_URL"] = "http://secrets.example.com";
        var host = new ScriptedPdpHost(AuthZenTestKit.NewScriptedPdp(), settings);
        owned.Add(host);

        Should.Throw<Exception>(() => host.CreateClient()).ToString().ShouldContain("SECRETS_PUBLIC_BASE_URL must be an https URL");
    }

    [Fact]
    public void An_invalid_SECRETS_PUBLIC_BASE_URL_is_a_startup_error_naming_it()
    {
        var host = new ScriptedPdpHost(AuthZenTestKit.NewScriptedPdp(), new Dictionary<string, string?> { ["SECRETS_PUBLIC_BASE_URL"] = "not a url" });
        owned.Add(host);

        Should.Throw<Exception>(() => host.CreateClient()).ToString().ShouldContain("SECRETS_PUBLIC_BASE_URL");
    }

    [Fact]
    public async Task The_openapi_document_lists_the_AuthZEN_endpoints()
    {
        var (_, client) = Host();

        var doc = JsonNode.Parse(await client.GetStringAsync("/swagger/v1/swagger.json"))!;

        doc["paths"]![Evaluation]?["post"].ShouldNotBeNull();
        doc["paths"]![Evaluations]?["post"].ShouldNotBeNull();
        doc["paths"]![Configuration]?["get"].ShouldNotBeNull();
        foreach (var search in new[] { "subject", "resource", "action" })
            doc["paths"]!["/access/v1/search/" + search]?["post"].ShouldNotBeNull();
    }

    // ---- who may ask ----

    [Fact]
    public async Task Outside_dev_an_anonymous_caller_is_401_with_the_Bearer_and_DPoP_challenges()
    {
        var (pdp, client) = Host(TestProfile());

        foreach (var path in new[] { Evaluation, Evaluations, "/access/v1/search/action" })
        {
            using var response = await SendWithRequestIdAsync(client, path, Single("alice", "yaml://secret/env", "read"), "req-401");
            await response.ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "UNAUTHENTICATED");
            var challenges = response.Headers.WwwAuthenticate.Select(c => c.ToString()).ToList();
            challenges.ShouldContain("Bearer");
            challenges.ShouldContain(c => c.StartsWith("DPoP algs=", StringComparison.Ordinal));
            response.Headers.GetValues("X-Request-ID").ShouldBe(["req-401"]);
        }
        pdp.Calls.ShouldBeEmpty();
        (await client.GetAsync(Configuration)).StatusCode.ShouldBe(HttpStatusCode.OK);   // the metadata stays anonymous
    }

    [Fact]
    public async Task Outside_dev_a_token_without_secrets_pdp_is_403_INSUFFICIENT_SCOPE_and_with_it_the_PDP_answers()
    {
        using var issuer = new Secrets.Testing.Auth.TestIssuer();
        var (pdp, client) = Host(TestProfile(issuer));
        var withoutScope = issuer.Token(b => b.Claims["scope"] = "secrets.read secrets.admin");

        using var refused = await SendWithRequestIdAsync(client, Evaluation, Single("alice", "yaml://secret/env", "read"), "req-403", withoutScope);
        await refused.ShouldBeProblemAsync(HttpStatusCode.Forbidden, "INSUFFICIENT_SCOPE");
        refused.Headers.WwwAuthenticate.Single().ToString().ShouldBe("""Bearer error="insufficient_scope", error_description="requires secrets.pdp", scope="secrets.pdp" """.TrimEnd());
        refused.Headers.GetValues("X-Request-ID").ShouldBe(["req-403"]);
        pdp.Calls.ShouldBeEmpty();

        using var allowed = await SendWithRequestIdAsync(client, Evaluation, Single("alice", "yaml://secret/env", "read"), "req-200", issuer.Token(b => b.Claims["scope"] = "secrets.pdp"));
        (await allowed.ShouldBeOkJsonAsync())["decision"]!.GetValue<bool>().ShouldBeTrue();
    }

    [Fact]
    public async Task AUTHZEN_REQUIRED_SCOPE_names_the_scope_and_applies_in_dev_too()
    {
        using var issuer = new Secrets.Testing.Auth.TestIssuer();
        var settings = Secrets.Testing.SecretsHostFactory.Trusting(issuer, ("AUTHZEN_REQUIRED_SCOPE", "pdp.ask"));
        var (_, client) = Host(settings);

        await (await SendWithRequestIdAsync(client, Evaluation, Single("alice", "yaml://secret/env", "read"), "r1"))
            .ShouldBeProblemAsync(HttpStatusCode.Unauthorized, "UNAUTHENTICATED");
        await (await SendWithRequestIdAsync(client, Evaluation, Single("alice", "yaml://secret/env", "read"), "r2", issuer.Token()))
            .ShouldBeProblemAsync(HttpStatusCode.Forbidden, "INSUFFICIENT_SCOPE");
        await (await SendWithRequestIdAsync(client, Evaluation, Single("alice", "yaml://secret/env", "read"), "r3", issuer.Token(b => b.Claims["scope"] = "pdp.ask")))
            .ShouldBeOkJsonAsync();
    }

    [Fact]
    public async Task AUTHZEN_REQUIRED_SCOPE_none_lets_anonymous_callers_ask_outside_dev()
    {
        var settings = TestProfile();
        settings["AUTHZEN_REQUIRED_SCOPE"] = "none";
        var (_, client) = Host(settings);

        (await (await client.PostRawAsync(Evaluation, Single("alice", "yaml://secret/env", "read"))).ShouldBeOkJsonAsync())["decision"]!.GetValue<bool>().ShouldBeTrue();
    }

    [Theory]
    [InlineData("prod", "none", "AUTHZEN_REQUIRED_SCOPE=none")]
    [InlineData("dev", "two scopes", "AUTHZEN_REQUIRED_SCOPE must be one OAuth scope")]
    public void An_unsafe_or_invalid_AUTHZEN_REQUIRED_SCOPE_is_a_startup_error_naming_it(string environment, string scope, string message)
    {
        var settings = environment == "prod" ? Prod() : [];
        settings["ENABLE_AUTHZEN_ENDPOINTS"] = "true";
        settings["AUTHZEN_REQUIRED_SCOPE"] = scope;
        var host = new ScriptedPdpHost(AuthZenTestKit.NewScriptedPdp(), settings);
        owned.Add(host);

        Should.Throw<Exception>(() => host.CreateClient()).ToString().ShouldContain(message);
    }

    // ---- when they are served ----

    [Fact]
    public async Task With_ENABLE_AUTHZEN_ENDPOINTS_false_they_are_404_NOT_FOUND()
    {
        var (pdp, client) = Host(new() { ["ENABLE_AUTHZEN_ENDPOINTS"] = "false" });

        await ShouldBeUnknownAsync(client);
        pdp.Calls.ShouldBeEmpty();
    }

    [Fact]
    public async Task In_prod_they_are_404_NOT_FOUND_by_default()
    {
        var (pdp, client) = Host(Prod());

        await ShouldBeUnknownAsync(client);
        pdp.Calls.ShouldBeEmpty();
    }

    [Fact]
    public async Task In_prod_ENABLE_AUTHZEN_ENDPOINTS_true_serves_them()
    {
        var settings = Prod();
        settings["ENABLE_AUTHZEN_ENDPOINTS"] = "true";
        var (_, client) = Host(settings);

        (await (await client.PostRawAsync(Evaluation, Single("alice", "yaml://secret/env", "read"))).ShouldBeOkJsonAsync())["decision"]!
            .GetValue<bool>().ShouldBeTrue();
    }

    [Fact]
    public async Task With_an_external_PDP_they_are_404_NOT_FOUND_even_when_enabled()
    {
        var (pdp, client) = Host(new() { ["PDP_URL"] = "http://127.0.0.1:9", ["ENABLE_AUTHZEN_ENDPOINTS"] = "true" });

        await ShouldBeUnknownAsync(client);
        pdp.Calls.ShouldBeEmpty();
    }

    [Fact]
    public void An_invalid_ENABLE_AUTHZEN_ENDPOINTS_is_a_startup_error_naming_it()
    {
        var host = new ScriptedPdpHost(AuthZenTestKit.NewScriptedPdp(), new Dictionary<string, string?> { ["ENABLE_AUTHZEN_ENDPOINTS"] = "perhaps" });
        owned.Add(host);

        Should.Throw<Exception>(() => host.CreateClient()).ToString().ShouldContain("ENABLE_AUTHZEN_ENDPOINTS");
    }

    // ---- helpers ----

    private (ScriptedPdp<PolicyRequest> Pdp, HttpClient Client) Host(Dictionary<string, string?>? settings = null)
    {
        var pdp = AuthZenTestKit.NewScriptedPdp();
        var host = new ScriptedPdpHost(pdp, settings);
        var client = host.CreateClient();
        owned.Add(client);
        owned.Add(host);
        return (pdp, client);
    }

    /// <summary>Prod with the embedded PDP: a policy file (the shipped sample) and the tenant salt.</summary>
    private Dictionary<string, string?> Prod()
    {
        var dir = Path.Combine(Path.GetTempPath(), "secrets-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        var policies = Path.Combine(dir, PolicySample.FileName);
        PolicySample.EnsureExists(policies);
        owned.Add(new TempDirectory(dir));
        return new()
        {
            ["ENVIRONMENT"] = "prod",
            ["POLICY_PATH"] = policies,
            ["ENABLE_YAML_PROVIDER"] = "false",
        };
    }

    /// <summary>The test profile: the endpoints need a token with secrets.pdp; trusting <paramref name="issuer"/> when given.</summary>
    private static Dictionary<string, string?> TestProfile(Secrets.Testing.Auth.TestIssuer? issuer = null)
    {
        var settings = issuer is null ? [] : Secrets.Testing.SecretsHostFactory.Trusting(issuer);
        settings["ENVIRONMENT"] = "test";
        return settings;
    }

    private static Task<HttpResponseMessage> SendWithRequestIdAsync(HttpClient client, string path, string body, string requestId, string? token = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Add("X-Request-ID", requestId);
        if (token is not null)
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        return client.SendAsync(request);
    }

    private static async Task ShouldBeUnknownAsync(HttpClient client)
    {
        await (await client.PostRawAsync(Evaluation, Single("alice", "yaml://secret/env", "read"))).ShouldBeProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await (await client.PostRawAsync(Evaluations, Batch("execute_all", Item("alice", "read")))).ShouldBeProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        await (await client.GetAsync(Configuration)).ShouldBeProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
        foreach (var search in new[] { "subject", "resource", "action" })
            await (await client.PostRawAsync("/access/v1/search/" + search, "{}")).ShouldBeProblemAsync(HttpStatusCode.NotFound, "NOT_FOUND");
    }

    private static string Single(string subject, string uri, string action) =>
        $$$"""{"subject":{"type":"user","id":"{{{subject}}}"},"resource":{"type":"secret","id":"{{{uri}}}"},"action":{"name":"{{{action}}}"}}""";

    private static string Item(string subject, string action, string uri = "yaml://secret/env") => Single(subject, uri, action);

    private static string Batch(string? semantic, params string[] items)
    {
        var options = semantic is null ? "" : ",\"options\":{\"evaluations_semantic\":\"" + semantic + "\"}";
        return "{\"evaluations\":[" + string.Join(',', items) + "]" + options + "}";
    }

    private static string Str(JsonNode? node) => node!.GetValue<string>();

    private sealed class TempDirectory(string path) : IDisposable
    {
        public void Dispose()
        {
            try
            {
                Directory.Delete(path, recursive: true);
            }
            catch (IOException)
            {
                // best effort
            }
        }
    }
}
