using System.Net;
using System.Text.Json.Nodes;
using Secrets.Testing;

namespace Secrets.Rotation.Tests.Features.RollbackSecret;

/// <summary>POST /api/secrets/rollback {uri, to_version}: an earlier version's data becomes the newest version.</summary>
public sealed class RollbackSecretTests : IDisposable
{
    private const string Rollback = "/api/secrets/rollback";
    private const string Path = "openbao+kv2://secret/rollback/app";
    private readonly SecretsHostFactory host = new();
    private readonly HttpClient client;

    public RollbackSecretTests() => client = host.CreateClient();

    public void Dispose() => host.Dispose();

    /// <summary>Versions 1–3 of <see cref="Path"/>: {a:1}, {a:2,b:2}, {a:3,b:3,c:3}.</summary>
    private async Task SeedThreeVersionsAsync()
    {
        await (await client.PostJsonAsync("/api/secrets", new { uri = Path, value = new { a = "1" } })).ShouldBeOkJsonAsync();
        await (await client.PostJsonAsync("/api/secrets", new { uri = Path, value = new { a = "2", b = "2" } })).ShouldBeOkJsonAsync();
        await (await client.PostJsonAsync("/api/secrets", new { uri = Path, value = new { a = "3", b = "3", c = "3" } })).ShouldBeOkJsonAsync();
    }

    private async Task<int> CurrentVersionAsync()
    {
        var versions = await (await client.GetAsync($"/api/secrets/versions?uri={HttpAssertions.Q(Path)}")).ShouldBeOkJsonAsync();
        return versions["versions"]!.AsArray().Max(v => v!["version"]!.GetValue<int>());
    }

    [Fact]
    public async Task Rollback_writes_the_old_versions_data_as_a_new_version_and_keeps_the_history()
    {
        await SeedThreeVersionsAsync();

        var body = await (await client.PostJsonAsync(Rollback, new { uri = Path, to_version = 1 })).ShouldBeOkJsonAsync();

        body["uri"]!.GetValue<string>().ShouldBe(Path);
        body["version"]!.GetValue<int>().ShouldBe(4);
        JsonNode.DeepEquals(await client.ReadValueAsync(Path), JsonNode.Parse("""{"a":"1"}""")).ShouldBeTrue();
        var pinned = await (await client.GetAsync($"/api/secrets/value?uri={HttpAssertions.Q(Path)}&version=3")).ShouldBeOkJsonAsync();
        JsonNode.DeepEquals(pinned["value"], JsonNode.Parse("""{"a":"3","b":"3","c":"3"}""")).ShouldBeTrue();
        (await CurrentVersionAsync()).ShouldBe(4);
    }

    [Fact]
    public async Task Rollback_of_one_key_restores_that_key_and_keeps_the_others()
    {
        await SeedThreeVersionsAsync();

        var body = await (await client.PostJsonAsync(Rollback, new { uri = Path + "#a", to_version = 2 })).ShouldBeOkJsonAsync();

        body["version"]!.GetValue<int>().ShouldBe(4);
        JsonNode.DeepEquals(await client.ReadValueAsync(Path), JsonNode.Parse("""{"a":"2","b":"3","c":"3"}""")).ShouldBeTrue();
    }

    [Fact]
    public async Task Rollback_of_a_key_the_old_version_lacks_is_404_FRAGMENT_NOT_FOUND_and_writes_nothing()
    {
        await SeedThreeVersionsAsync();

        await (await client.PostJsonAsync(Rollback, new { uri = Path + "#c", to_version = 1 })).ShouldBeProblemAsync(HttpStatusCode.NotFound, "FRAGMENT_NOT_FOUND");

        (await CurrentVersionAsync()).ShouldBe(3);
    }

    [Fact]
    public async Task Rollback_to_a_soft_deleted_version_is_409_VERSION_DELETED_and_writes_nothing()
    {
        await SeedThreeVersionsAsync();
        (await client.DeleteAsync($"/api/secrets?uri={HttpAssertions.Q(Path)}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);   // version 3
        await (await client.PostJsonAsync("/api/secrets", new { uri = Path, value = new { a = "4" } })).ShouldBeOkJsonAsync();

        await (await client.PostJsonAsync(Rollback, new { uri = Path, to_version = 3 })).ShouldBeProblemAsync(HttpStatusCode.Conflict, "VERSION_DELETED");

        (await CurrentVersionAsync()).ShouldBe(4);
        JsonNode.DeepEquals(await client.ReadValueAsync(Path), JsonNode.Parse("""{"a":"4"}""")).ShouldBeTrue();
    }

    [Fact]
    public async Task Rollback_to_a_destroyed_version_is_409_VERSION_DESTROYED_and_writes_nothing()
    {
        await SeedThreeVersionsAsync();
        (await client.PostJsonAsync("/api/secrets/destroy-versions", new { uri = Path, versions = new[] { 1 } })).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        await (await client.PostJsonAsync(Rollback, new { uri = Path, to_version = 1 })).ShouldBeProblemAsync(HttpStatusCode.Conflict, "VERSION_DESTROYED");

        (await CurrentVersionAsync()).ShouldBe(3);
    }

    [Fact]
    public async Task Rollback_to_a_version_that_never_existed_is_404_and_writes_nothing()
    {
        await SeedThreeVersionsAsync();

        await (await client.PostJsonAsync(Rollback, new { uri = Path, to_version = 9 })).ShouldBeProblemAsync(HttpStatusCode.NotFound, "SECRET_NOT_FOUND");
        await (await client.PostJsonAsync(Rollback, new { uri = "openbao+kv2://secret/rollback/never", to_version = 1 }))
            .ShouldBeProblemAsync(HttpStatusCode.NotFound, "SECRET_NOT_FOUND");

        (await CurrentVersionAsync()).ShouldBe(3);
    }

    [Fact]
    public async Task Rollback_while_the_latest_version_is_soft_deleted_makes_the_path_readable_again()
    {
        await SeedThreeVersionsAsync();
        (await client.DeleteAsync($"/api/secrets?uri={HttpAssertions.Q(Path)}")).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        var body = await (await client.PostJsonAsync(Rollback, new { uri = Path, to_version = 2 })).ShouldBeOkJsonAsync();

        body["version"]!.GetValue<int>().ShouldBe(4);
        JsonNode.DeepEquals(await client.ReadValueAsync(Path), JsonNode.Parse("""{"a":"2","b":"2"}""")).ShouldBeTrue();
    }

    [Fact]
    public async Task A_rollback_is_audited_as_a_rotation_with_the_new_and_the_replaced_version()
    {
        await SeedThreeVersionsAsync();

        await (await client.PostAsync(Rollback, new { uri = Path, to_version = 1 }, "rollback-audit")).ShouldBeOkJsonAsync();

        var record = (await client.AuditOfAsync("rollback-audit")).ShouldHaveSingleItem();
        (record.Str("event_type"), record.Str("effect"), record.Str("purpose")).ShouldBe(("SECRET_ROTATED", "success", "rotate"));
        record["kv_version"]!.GetValue<int>().ShouldBe(4);
        record["previous_kv_version"]!.GetValue<int>().ShouldBe(3);
        record.Str("resource_ref").ShouldBe(Api.ResourceRef(Path));
        record.Str("decision_id")!.ShouldStartWith("dec_");
    }

    [Fact]
    public async Task A_failed_rollback_is_audited_as_a_failed_rotation_with_its_code()
    {
        await SeedThreeVersionsAsync();
        (await client.PostJsonAsync("/api/secrets/destroy-versions", new { uri = Path, versions = new[] { 2 } })).StatusCode.ShouldBe(HttpStatusCode.NoContent);

        await (await client.PostAsync(Rollback, new { uri = Path, to_version = 2 }, "rollback-fail")).ShouldBeProblemAsync(HttpStatusCode.Conflict, "VERSION_DESTROYED");

        (await client.AuditOfAsync("rollback-fail")).ShouldHaveSingleItem().ShouldBeFailure("SECRET_ROTATED", "VERSION_DESTROYED", Path);
    }

    [Fact]
    public async Task The_yaml_provider_keeps_no_versions_so_rollback_is_501_and_changes_nothing()
    {
        var before = await File.ReadAllTextAsync(host.YamlPath);

        await (await client.PostJsonAsync(Rollback, new { uri = "yaml://secret/env", to_version = 1 }))
            .ShouldBeProblemAsync(HttpStatusCode.NotImplemented, "OPERATION_NOT_SUPPORTED");

        (await File.ReadAllTextAsync(host.YamlPath)).ShouldBe(before);
    }

    [Theory]
    [InlineData("""{"uri":"openbao+kv2://secret/rollback/app"}""")]
    [InlineData("""{"uri":"openbao+kv2://secret/rollback/app","to_version":0}""")]
    [InlineData("""{"uri":"openbao+kv2://secret/rollback/app","to_version":-1}""")]
    [InlineData("""{"uri":"openbao+kv2://secret/rollback/app","toVersion":1}""")]
    [InlineData("""{"to_version":1}""")]
    [InlineData("""{"uri":"openbao+kv2://secret/rollback/app","to_version":1,"value":{"a":"x"}}""")]
    public async Task Invalid_bodies_are_400_INVALID_REQUEST_and_write_nothing(string json)
    {
        await SeedThreeVersionsAsync();

        await (await client.PostRawAsync(Rollback, json)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "INVALID_REQUEST");

        (await CurrentVersionAsync()).ShouldBe(3);
    }

    [Fact]
    public async Task A_version_pin_in_the_uri_is_400_AMBIGUOUS_QUERY()
    {
        await SeedThreeVersionsAsync();

        await (await client.PostJsonAsync(Rollback, new { uri = Path + "?version=1", to_version = 1 }))
            .ShouldBeProblemAsync(HttpStatusCode.BadRequest, "AMBIGUOUS_QUERY");

        (await CurrentVersionAsync()).ShouldBe(3);
    }

    [Fact]
    public async Task A_caller_the_policy_does_not_allow_to_rotate_is_403_and_nothing_is_written()
    {
        const string readOnly = """
            version: 1
            rules:
              - id: write-and-read
                resources: ["openbao+kv2://secret/*"]
                purposes: [write, execute, read_metadata]
            """;
        using var guarded = new SecretsHostFactory(new Dictionary<string, string?> { ["ENABLE_AUTHORIZATION"] = "true" }, policies: readOnly);
        var caller = guarded.CreateClient();
        await (await caller.PostJsonAsync("/api/secrets", new { uri = Path, value = new { a = "1" } })).ShouldBeOkJsonAsync();
        await (await caller.PostJsonAsync("/api/secrets", new { uri = Path, value = new { a = "2" } })).ShouldBeOkJsonAsync();

        await (await caller.PostJsonAsync(Rollback, new { uri = Path, to_version = 1 })).ShouldBeProblemAsync(HttpStatusCode.Forbidden, "SECRET_AUTHZ_FAILED");

        (await caller.ReadValueAsync(Path + "#a"))!.GetValue<string>().ShouldBe("2");
    }
}
