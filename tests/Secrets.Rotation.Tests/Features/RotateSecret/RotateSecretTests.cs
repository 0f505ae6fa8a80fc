using System.Net;
using Secrets.Testing;
using static Secrets.Testing.HttpAssertions;

namespace Secrets.Rotation.Tests.Features.RotateSecret;

public sealed class RotateSecretTests : IDisposable
{
    private const string Rotate = "/api/secrets/rotate";
    private readonly SecretsHostFactory host = new();
    private readonly HttpClient client;

    public RotateSecretTests() => client = host.CreateClient();

    public void Dispose() => host.Dispose();

    [Fact]
    public async Task Rotating_a_key_updates_it_in_place_and_keeps_the_other_keys()
    {
        var body = await (await client.PostJsonAsync(Rotate, new { uri = "yaml://secret/env#MY_API_KEY", value = "rotated-1" })).ShouldBeOkJsonAsync();

        body["uri"]!.GetValue<string>().ShouldBe("yaml://secret/env#MY_API_KEY");
        body.AsObject().ContainsKey("version").ShouldBeTrue();
        body["version"].ShouldBeNull();   // YAML updates in place: no version
        (await client.ReadValueAsync("yaml://secret/env#MY_API_KEY"))!.GetValue<string>().ShouldBe("rotated-1");
        var file = StoredYaml.Load(host.YamlPath);
        file.Value("secret/env", "MY_API_KEY").ShouldBe("rotated-1");
        file.Value("secret/env", "OTHER").ShouldBe("other-value");
        file.Value("secret/app/db", "password").ShouldBe("db-password");
        file.Value("team/shared", "token").ShouldBe("team-token");
    }

    [Fact]
    public async Task Rotating_twice_keeps_the_last_value()
    {
        await (await client.PostJsonAsync(Rotate, new { uri = "yaml://secret/env#MY_API_KEY", value = "first" })).ShouldBeOkJsonAsync();
        await (await client.PostJsonAsync(Rotate, new { uri = "yaml://secret/env#MY_API_KEY", value = "second" })).ShouldBeOkJsonAsync();

        (await client.ReadValueAsync("yaml://secret/env#MY_API_KEY"))!.GetValue<string>().ShouldBe("second");
    }

    [Fact]
    public async Task Rotating_a_path_replaces_its_whole_map()
    {
        var body = await (await client.PostJsonAsync(Rotate, new { uri = "yaml://secret/app/db", value = new { username = "app2", password = "pw-2" } }))
            .ShouldBeOkJsonAsync();

        body["uri"]!.GetValue<string>().ShouldBe("yaml://secret/app/db");
        body["version"].ShouldBeNull();
        var map = await client.ReadValueAsync("yaml://secret/app/db");
        map!["username"]!.GetValue<string>().ShouldBe("app2");
        map["password"]!.GetValue<string>().ShouldBe("pw-2");
    }

    [Fact]
    public async Task Rotating_a_path_drops_keys_missing_from_the_new_map()
    {
        await (await client.PostJsonAsync(Rotate, new { uri = "yaml://secret/env", value = new Dictionary<string, string> { ["MY_API_KEY"] = "only-key" } })).ShouldBeOkJsonAsync();

        var secret = StoredYaml.Load(host.YamlPath).Secret("secret/env");
        secret.Keys.ShouldBe(["MY_API_KEY"]);
        secret["MY_API_KEY"].ShouldBe("only-key");
        await (await client.GetAsync($"/api/secrets/value?uri={Q("yaml://secret/env#OTHER")}"))
            .ShouldBeProblemAsync(HttpStatusCode.NotFound, "FRAGMENT_NOT_FOUND");
    }

    [Fact]
    public async Task Rotating_a_path_keeps_the_paths_below_it()
    {
        await (await client.PostJsonAsync("/api/secrets", new { uri = "yaml://secret/app#old", value = "o" })).ShouldBeOkJsonAsync();
        await (await client.PostJsonAsync(Rotate, new { uri = "yaml://secret/app", value = new { region = "eu" } })).ShouldBeOkJsonAsync();

        var file = StoredYaml.Load(host.YamlPath);
        file.Secret("secret/app").ShouldBe(new Dictionary<string, string?> { ["region"] = "eu" });
        file.Secret("secret/app/db").ShouldBe(new Dictionary<string, string?> { ["username"] = "app", ["password"] = "db-password" }, ignoreOrder: true);
    }

    [Theory]
    [InlineData("yaml://secret/app#db", "SECRET_NOT_FOUND")]             // secret/app holds only paths below it
    [InlineData("yaml://secret/env/MY_API_KEY#x", "SECRET_NOT_FOUND")]   // a parent of the path holds a value
    [InlineData("yaml://secret/nope", "SECRET_NOT_FOUND")]
    [InlineData("yaml://secret/env#NEW_KEY", "FRAGMENT_NOT_FOUND")]
    public async Task Rotating_what_does_not_exist_is_404_and_changes_nothing(string uri, string code)
    {
        var before = await File.ReadAllTextAsync(host.YamlPath);

        await (await client.PostJsonAsync(Rotate, new { uri, value = "x" })).ShouldBeProblemAsync(HttpStatusCode.NotFound, code);

        (await File.ReadAllTextAsync(host.YamlPath)).ShouldBe(before);
    }

    [Fact]
    public async Task Concurrent_rotations_of_different_keys_of_one_path_lose_none_of_them()
    {
        for (var i = 0; i < 16; i++)
            await (await client.PostJsonAsync("/api/secrets", new { uri = $"yaml://secret/env#K{i}", value = "before" })).ShouldBeOkJsonAsync();
        var rotations = Enumerable.Range(0, 16).Select(i =>
            client.PostJsonAsync(Rotate, new { uri = $"yaml://secret/env#K{i}", value = $"v{i}" }));

        foreach (var response in await Task.WhenAll(rotations))
            await response.ShouldBeOkJsonAsync();

        var secret = StoredYaml.Load(host.YamlPath).Secret("secret/env");
        for (var i = 0; i < 16; i++)
            secret[$"K{i}"].ShouldBe($"v{i}");
        secret["MY_API_KEY"].ShouldBe("dev-api-key");
        secret["OTHER"].ShouldBe("other-value");
    }

    [Fact]
    public async Task A_body_over_the_size_limit_is_413_PAYLOAD_TOO_LARGE_and_nothing_is_written()
    {
        using var small = new SecretsHostFactory(new Dictionary<string, string?> { ["MAX_REQUEST_BODY_BYTES"] = "2048" });
        var before = await File.ReadAllTextAsync(small.YamlPath);
        var json = $$"""{"uri":"yaml://secret/env#MY_API_KEY","value":"{{new string('x', 4096)}}"}""";

        await (await small.CreateClient().PostRawAsync(Rotate, json)).ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge, "PAYLOAD_TOO_LARGE");

        (await File.ReadAllTextAsync(small.YamlPath)).ShouldBe(before);
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_415_UNSUPPORTED_MEDIA_TYPE_and_nothing_is_written()
    {
        var before = await File.ReadAllTextAsync(host.YamlPath);

        await (await client.PostAsync(Rotate, new StringContent("uri=yaml://secret/env#MY_API_KEY&value=x", System.Text.Encoding.UTF8, "text/plain")))
            .ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE");

        (await File.ReadAllTextAsync(host.YamlPath)).ShouldBe(before);
    }

    [Fact]
    public async Task The_uri_is_normalised_before_it_is_used_and_returned()
    {
        var body = await (await client.PostJsonAsync(Rotate, new { uri = "  YAML://secret/env#MY_API_KEY ", value = "n" }))
            .ShouldBeOkJsonAsync();

        body["uri"]!.GetValue<string>().ShouldBe("yaml://secret/env#MY_API_KEY");
        StoredYaml.Load(host.YamlPath).Value("secret/env", "MY_API_KEY").ShouldBe("n");
    }

    [Fact]
    public async Task Rotate_publishes_one_SECRET_ROTATED_success_with_its_decision_id()
    {
        var response = await client.PostAsync(Rotate, new { uri = "yaml://secret/env#MY_API_KEY", value = "audited" }, "rotate-audit-1");
        await response.ShouldBeOkJsonAsync();
        response.Headers.GetValues(AuditProbe.CorrelationHeader).ShouldBe(["rotate-audit-1"]);

        var records = await client.AuditOfAsync("rotate-audit-1");

        records.Count.ShouldBe(1);
        records[0].ShouldBeSuccess("SECRET_ROTATED", "rotate", "yaml://secret/env#MY_API_KEY");
        records[0].Str("subject").ShouldBe("anonymous");
        records[0].Str("correlation_id").ShouldBe("rotate-audit-1");
        records[0].AsObject().ContainsKey("previous_kv_version").ShouldBeFalse();   // YAML has no versions
    }

    [Fact]
    public async Task A_KVv2_rotation_is_audited_with_the_version_it_replaced_the_new_one_and_its_decision()
    {
        const string uri = "openbao+kv2://secret/rotated/app";
        (await client.PostJsonAsync("/api/secrets", new { uri, value = new { token = "t1", other = "o" } })).StatusCode.ShouldBe(HttpStatusCode.OK);

        for (var round = 1; round <= 2; round++)
        {
            var correlation = $"rotate-kv2-{round}";
            var body = await (await client.PostAsync(Rotate, new { uri = uri + "#token", value = $"t{round + 1}" }, correlation)).ShouldBeOkJsonAsync();

            var record = (await client.AuditOfAsync(correlation)).ShouldHaveSingleItem();
            (record.Str("event_type"), record.Str("effect")).ShouldBe(("SECRET_ROTATED", "success"));
            record["kv_version"]!.GetValue<int>().ShouldBe(round + 1);
            record["previous_kv_version"]!.GetValue<int>().ShouldBe(round);
            body.ToJsonString().ShouldContain($"{round + 1}");
            record.Str("decision_id").ShouldNotBeNullOrEmpty();
        }
    }

    [Fact]
    public async Task On_KVv2_a_whole_map_rotation_replaces_every_key_and_a_key_rotation_keeps_the_others_each_a_new_version()
    {
        const string uri = "openbao+kv2://secret/rotated/map";
        await (await client.PostJsonAsync("/api/secrets", new { uri, value = new { user = "u1", password = "p1", region = "eu" } })).ShouldBeOkJsonAsync();

        var whole = await (await client.PostJsonAsync(Rotate, new { uri, value = new { user = "u2", password = "p2" } })).ShouldBeOkJsonAsync();
        var key = await (await client.PostJsonAsync(Rotate, new { uri = uri + "#password", value = "p3" })).ShouldBeOkJsonAsync();

        whole["version"]!.GetValue<int>().ShouldBe(2);
        key["version"]!.GetValue<int>().ShouldBe(3);
        var latest = (await client.ReadValueAsync(uri))!.AsObject();
        latest.Select(p => (p.Key, p.Value!.GetValue<string>())).ShouldBe([("user", "u2"), ("password", "p3")], ignoreOrder: true);
        var second = await (await client.GetAsync($"/api/secrets/value?uri={Q(uri)}&version=2")).ShouldBeOkJsonAsync();
        second["value"]!.AsObject().Count.ShouldBe(2);   // the whole-map rotation dropped region
        second["value"]!["password"]!.GetValue<string>().ShouldBe("p2");
    }

    [Theory]
    [InlineData("""{"uri":"yaml://secret/env#MY_API_KEY"}""")]
    [InlineData("""{"uri":"yaml://secret/env#MY_API_KEY","value":null}""")]
    [InlineData("""{"value":"x"}""")]
    [InlineData("""{"uri":"","value":"x"}""")]
    [InlineData("""{}""")]
    [InlineData("""{"uri":"yaml://secret/env#MY_API_KEY","value":"x","extra":1}""")]
    [InlineData("""{"uri":"yaml://secret/env#MY_API_KEY","value":"x","version":2}""")]
    [InlineData("""{"uri":"yaml://secret/env#MY_API_KEY","value":"x",""")]
    [InlineData("""["yaml://secret/env#MY_API_KEY","x"]""")]
    public async Task Invalid_bodies_are_400_INVALID_REQUEST_and_change_nothing(string json)
    {
        var before = await File.ReadAllTextAsync(host.YamlPath);

        await (await client.PostRawAsync(Rotate, json)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "INVALID_REQUEST");

        (await File.ReadAllTextAsync(host.YamlPath)).ShouldBe(before);
        (await AuditProbe.EventsAsync(client)).ShouldBeRequestRefusal("SECRET_ROTATED", "INVALID_REQUEST");
    }

    [Theory]
    [InlineData("yaml://secret/../env#MY_API_KEY", "ILLEGAL_SEGMENT")]
    [InlineData("yaml://secret//env#MY_API_KEY", "ILLEGAL_SEGMENT")]
    [InlineData("yaml://secret/a%2Fb#k", "ILLEGAL_SEGMENT")]
    [InlineData("yaml://secret/*", "INVALID_WILDCARD")]
    [InlineData("yaml://secret/env#MY_*", "INVALID_WILDCARD")]
    [InlineData("vault://secret/env#MY_API_KEY", "UNSUPPORTED_PROVIDER")]
    [InlineData("openbao+kv1://secret/env#k", "UNSUPPORTED_ENGINE")]
    [InlineData("yaml+kv2://secret/env#MY_API_KEY", "UNSUPPORTED_ENGINE")]
    [InlineData("yaml://host:1/secret/env#MY_API_KEY", "AMBIGUOUS_MOUNT")]
    [InlineData("yaml:///env#MY_API_KEY", "AMBIGUOUS_MOUNT")]
    [InlineData("yaml://secret/env#MY_API_KEY?foo=1", "AMBIGUOUS_QUERY")]
    [InlineData("yaml://secret/env#MY_API_KEY?version=2", "AMBIGUOUS_QUERY")]
    [InlineData("yaml://secret/env?version=2#MY_API_KEY", "AMBIGUOUS_QUERY")]
    [InlineData("yaml://secret/env?version=1", "AMBIGUOUS_QUERY")]
    [InlineData("yaml://secret", "MALFORMED_URI")]
    [InlineData("not a uri", "MALFORMED_URI")]
    [InlineData("yaml://other/env#MY_API_KEY", "TENANT_MOUNT_MISMATCH")]
    public async Task Bad_uris_are_400_with_the_typed_code_and_change_nothing(string uri, string code)
    {
        var before = await File.ReadAllTextAsync(host.YamlPath);

        await (await client.PostJsonAsync(Rotate, new { uri, value = "x" })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, code);

        (await File.ReadAllTextAsync(host.YamlPath)).ShouldBe(before);
        (await AuditProbe.EventsAsync(client, "event_type=SECRET_ROTATED&effect=success")).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_mount_that_exists_in_the_file_but_not_for_the_tenant_is_400_TENANT_MOUNT_MISMATCH()
    {
        using var secretOnly = new SecretsHostFactory(new Dictionary<string, string?> { ["TENANT_ALLOWED_MOUNTS"] = "secret" });
        var before = await File.ReadAllTextAsync(secretOnly.YamlPath);

        await (await secretOnly.CreateClient().PostJsonAsync(Rotate, new { uri = "yaml://team/shared#token", value = "x" }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "TENANT_MOUNT_MISMATCH");

        (await File.ReadAllTextAsync(secretOnly.YamlPath)).ShouldBe(before);
    }

    [Fact]
    public async Task A_scalar_for_a_whole_path_is_400_INVALID_VALUE_and_audited_as_a_failed_rotation()
    {
        var before = await File.ReadAllTextAsync(host.YamlPath);

        await (await client.PostAsync(Rotate, new { uri = "yaml://secret/env", value = "not-a-map" }, "rotate-scalar"))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "INVALID_VALUE");

        (await File.ReadAllTextAsync(host.YamlPath)).ShouldBe(before);
        var records = await client.AuditOfAsync("rotate-scalar");
        records.Count.ShouldBe(1);
        records[0].ShouldBeFailure("SECRET_ROTATED", "INVALID_VALUE", "yaml://secret/env");
        records[0].Str("purpose").ShouldBe("rotate");
        records[0].Str("decision_id")!.ShouldStartWith("dec_");
    }

    [Fact]
    public async Task A_map_for_one_key_is_400_UNSUPPORTED_VALUE_on_yaml()
    {
        var before = await File.ReadAllTextAsync(host.YamlPath);

        await (await client.PostJsonAsync(Rotate, new { uri = "yaml://secret/env#MY_API_KEY", value = new { nested = "x" } }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "UNSUPPORTED_VALUE");

        (await File.ReadAllTextAsync(host.YamlPath)).ShouldBe(before);
    }

    [Theory]
    [InlineData("openbao+kv2://secret/app#token")]
    [InlineData("openbao://secret/app")]
    [InlineData("hashicorp+kv2://secret/payments/stripe#api_key")]
    public async Task KVv2_uris_without_a_configured_provider_are_501_OPERATION_NOT_SUPPORTED(string uri)
    {
        using var host = new SecretsHostFactory(SecretsHostFactory.WithoutKv2Providers);   // no KVv2 provider configured
        var client = host.CreateClient();
        var value = uri.Contains('#', StringComparison.Ordinal) ? (object)"x" : new { k = "x" };

        await (await client.PostAsync(Rotate, new { uri, value }, "rotate-kv2"))
            .ShouldBeProblemAsync(HttpStatusCode.NotImplemented, "OPERATION_NOT_SUPPORTED");

        var records = await client.AuditOfAsync("rotate-kv2");
        records.Count.ShouldBe(1);
        records[0].Str("event_type").ShouldBe("SECRET_ROTATED");
        records[0].Str("error_code").ShouldBe("OPERATION_NOT_SUPPORTED");
        records[0].Str("effect").ShouldBe("failure");
    }

    [Fact]
    public async Task Tenant_guard_wins_over_the_missing_provider()
    {
        await (await client.PostJsonAsync(Rotate, new { uri = "openbao+kv2://other/app#token", value = "x" }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "TENANT_MOUNT_MISMATCH");
    }

    [Fact]
    public async Task In_prod_with_the_yaml_provider_forced_on_rotate_is_403_ENVIRONMENT_GUARD_and_the_file_is_unchanged()
    {
        using var prod = new SecretsHostFactory(SecretsHostFactory.ProdWithYaml);
        var before = await File.ReadAllTextAsync(prod.YamlPath);
        var prodClient = prod.CreateClient();

        await (await prodClient.PostJsonAsync(Rotate, new { uri = "yaml://secret/env#MY_API_KEY", value = "prod-write" }))
            .ShouldBeProblemAsync(HttpStatusCode.Forbidden, "ENVIRONMENT_GUARD");
        await (await prodClient.PostJsonAsync(Rotate, new { uri = "yaml://secret/new/path", value = new { k = "v" } }))
            .ShouldBeProblemAsync(HttpStatusCode.Forbidden, "ENVIRONMENT_GUARD");   // refused as a write, before the file is looked at

        (await File.ReadAllTextAsync(prod.YamlPath)).ShouldBe(before);
        (await prodClient.ReadValueAsync("yaml://secret/env#MY_API_KEY"))!.GetValue<string>().ShouldBe("dev-api-key");
    }

    [Fact]
    public async Task In_test_the_yaml_provider_accepts_rotations()
    {
        using var test = new SecretsHostFactory(new Dictionary<string, string?> { ["ENVIRONMENT"] = "test" });

        await (await test.CreateClient().PostJsonAsync(Rotate, new { uri = "yaml://secret/env#MY_API_KEY", value = "test-rotated" })).ShouldBeOkJsonAsync();

        StoredYaml.Load(test.YamlPath).Value("secret/env", "MY_API_KEY").ShouldBe("test-rotated");
    }
}
