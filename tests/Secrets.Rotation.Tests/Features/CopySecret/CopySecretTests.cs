using System.Net;
using Secrets.Testing;

namespace Secrets.Rotation.Tests.Features.CopySecret;

public sealed class CopySecretTests : IDisposable
{
    private const string Copy = "/api/secrets/copy";
    private readonly SecretsHostFactory host = new();
    private readonly HttpClient client;

    public CopySecretTests() => client = host.CreateClient();

    public void Dispose() => host.Dispose();

    [Fact]
    public async Task A_path_is_copied_to_a_new_path_with_its_whole_map_and_the_source_is_kept()
    {
        var body = await (await client.PostJsonAsync(Copy, new { fromUri = "yaml://secret/app/db", toUri = "yaml://team/db-copy" })).ShouldBeOkJsonAsync();

        body["fromUri"]!.GetValue<string>().ShouldBe("yaml://secret/app/db");
        body["toUri"]!.GetValue<string>().ShouldBe("yaml://team/db-copy");
        body["version"].ShouldBeNull();
        var file = StoredYaml.Load(host.YamlPath);
        var expected = new Dictionary<string, string?> { ["username"] = "app", ["password"] = "db-password" };
        file.Secret("team/db-copy").ShouldBe(expected, ignoreOrder: true);
        file.Secret("secret/app/db").ShouldBe(expected, ignoreOrder: true);
        (await client.ReadValueAsync("yaml://team/db-copy"))!["password"]!.GetValue<string>().ShouldBe("db-password");
    }

    [Fact]
    public async Task A_key_is_copied_to_a_key_of_another_existing_path_whose_other_keys_are_kept()
    {
        var body = await (await client.PostJsonAsync(Copy, new { fromUri = "yaml://secret/env#MY_API_KEY", toUri = "yaml://team/shared#api_key" }))
            .ShouldBeOkJsonAsync();

        body["toUri"]!.GetValue<string>().ShouldBe("yaml://team/shared#api_key");
        var file = StoredYaml.Load(host.YamlPath);
        file.Secret("team/shared").ShouldBe(new Dictionary<string, string?> { ["token"] = "team-token", ["api_key"] = "dev-api-key" }, ignoreOrder: true);
        file.Value("secret/env", "MY_API_KEY").ShouldBe("dev-api-key");
        (await client.ReadValueAsync("yaml://team/shared#api_key"))!.GetValue<string>().ShouldBe("dev-api-key");
    }

    [Fact]
    public async Task A_key_is_copied_to_another_key_of_the_same_path()
    {
        await (await client.PostJsonAsync(Copy, new { fromUri = "yaml://secret/env#MY_API_KEY", toUri = "yaml://secret/env#MY_API_KEY_OLD" })).ShouldBeOkJsonAsync();

        StoredYaml.Load(host.YamlPath).Secret("secret/env").ShouldBe(
            new Dictionary<string, string?> { ["MY_API_KEY"] = "dev-api-key", ["MY_API_KEY_OLD"] = "dev-api-key", ["OTHER"] = "other-value" }, ignoreOrder: true);
    }

    [Fact]
    public async Task A_key_copied_to_a_new_path_creates_it()
    {
        await (await client.PostJsonAsync(Copy, new { fromUri = "yaml://secret/env#OTHER", toUri = "yaml://secret/fresh/place#other" })).ShouldBeOkJsonAsync();

        StoredYaml.Load(host.YamlPath).Secret("secret/fresh/place").ShouldBe(new Dictionary<string, string?> { ["other"] = "other-value" });
    }

    [Fact]
    public async Task Value_types_survive_a_copy()
    {
        using var typed = new SecretsHostFactory(yamlContent: """
            secret:
              svc:
                port: 5432
                enabled: true
                ratio: 0.5
                hosts: ["a", "b"]
                text: "5432"
            """);
        var typedClient = typed.CreateClient();

        await (await typedClient.PostJsonAsync(Copy, new { fromUri = "yaml://secret/svc", toUri = "yaml://secret/svc2" })).ShouldBeOkJsonAsync();

        var copy = await typedClient.ReadValueAsync("yaml://secret/svc2");
        copy!["port"]!.GetValue<long>().ShouldBe(5432);
        copy["enabled"]!.GetValue<bool>().ShouldBeTrue();
        copy["ratio"]!.GetValue<double>().ShouldBe(0.5);
        copy["hosts"]!.AsArray().Select(h => h!.GetValue<string>()).ShouldBe(["a", "b"]);
        copy["text"]!.GetValue<string>().ShouldBe("5432");
    }

    [Fact]
    public async Task An_existing_destination_path_is_409_DESTINATION_EXISTS_and_unchanged_without_overwrite()
    {
        var before = await File.ReadAllTextAsync(host.YamlPath);

        await (await client.PostJsonAsync(Copy, new { fromUri = "yaml://secret/app/db", toUri = "yaml://secret/env", overwrite = false }))
            .ShouldBeProblemAsync(HttpStatusCode.Conflict, "DESTINATION_EXISTS");
        await (await client.PostJsonAsync(Copy, new { fromUri = "yaml://secret/app/db", toUri = "yaml://secret/env" }))
            .ShouldBeProblemAsync(HttpStatusCode.Conflict, "DESTINATION_EXISTS");

        (await File.ReadAllTextAsync(host.YamlPath)).ShouldBe(before);
    }

    [Fact]
    public async Task An_existing_destination_key_is_409_DESTINATION_EXISTS_and_unchanged_without_overwrite()
    {
        var before = await File.ReadAllTextAsync(host.YamlPath);

        await (await client.PostJsonAsync(Copy, new { fromUri = "yaml://secret/env#MY_API_KEY", toUri = "yaml://secret/env#OTHER" }))
            .ShouldBeProblemAsync(HttpStatusCode.Conflict, "DESTINATION_EXISTS");

        (await File.ReadAllTextAsync(host.YamlPath)).ShouldBe(before);
        (await client.ReadValueAsync("yaml://secret/env#OTHER"))!.GetValue<string>().ShouldBe("other-value");
    }

    [Fact]
    public async Task Overwrite_replaces_an_existing_destination_path_with_exactly_the_source_map()
    {
        await (await client.PostJsonAsync(Copy, new { fromUri = "yaml://secret/app/db", toUri = "yaml://secret/env", overwrite = true })).ShouldBeOkJsonAsync();

        StoredYaml.Load(host.YamlPath).Secret("secret/env").ShouldBe(
            new Dictionary<string, string?> { ["username"] = "app", ["password"] = "db-password" }, ignoreOrder: true);
    }

    [Fact]
    public async Task Overwrite_replaces_an_existing_destination_key()
    {
        await (await client.PostJsonAsync(Copy, new { fromUri = "yaml://secret/env#MY_API_KEY", toUri = "yaml://team/shared#token", overwrite = true }))
            .ShouldBeOkJsonAsync();

        (await client.ReadValueAsync("yaml://team/shared#token"))!.GetValue<string>().ShouldBe("dev-api-key");
    }

    [Theory]
    [InlineData("yaml://secret/nope", "SECRET_NOT_FOUND")]
    [InlineData("yaml://secret/app", "SECRET_NOT_FOUND")]   // a folder of paths, not a secret
    [InlineData("yaml://secret/env#NOPE", "FRAGMENT_NOT_FOUND")]
    [InlineData("yaml://secret/nope#k", "SECRET_NOT_FOUND")]   // as GET /api/secrets/value answers for a missing path
    public async Task A_missing_source_is_404_and_nothing_is_written(string fromUri, string code)
    {
        var before = await File.ReadAllTextAsync(host.YamlPath);
        var toUri = fromUri.Contains('#', StringComparison.Ordinal) ? "yaml://secret/dest#k" : "yaml://secret/dest";

        await (await client.PostJsonAsync(Copy, new { fromUri, toUri, overwrite = true })).ShouldBeProblemAsync(HttpStatusCode.NotFound, code);

        (await File.ReadAllTextAsync(host.YamlPath)).ShouldBe(before);
    }

    [Theory]
    [InlineData("yaml://secret/env#MY_API_KEY", "yaml://secret/dest")]
    [InlineData("yaml://secret/env", "yaml://secret/dest#k")]
    [InlineData("yaml://secret/env", "yaml://secret/env")]
    [InlineData("yaml://secret/env#OTHER", "yaml://secret/env#OTHER")]
    [InlineData("yaml://secret/env", "  YAML://secret/env ")]
    public async Task Mixing_a_key_with_a_path_or_copying_onto_itself_is_400_INVALID_REQUEST(string fromUri, string toUri)
    {
        var before = await File.ReadAllTextAsync(host.YamlPath);

        await (await client.PostJsonAsync(Copy, new { fromUri, toUri, overwrite = true })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "INVALID_REQUEST");

        (await File.ReadAllTextAsync(host.YamlPath)).ShouldBe(before);
    }

    [Theory]
    [InlineData("yaml://other/env", "yaml://secret/dest", "TENANT_MOUNT_MISMATCH")]
    [InlineData("yaml://secret/env", "yaml://other/dest", "TENANT_MOUNT_MISMATCH")]
    [InlineData("yaml://secret/env?version=1", "yaml://secret/dest", "AMBIGUOUS_QUERY")]
    [InlineData("yaml://secret/env", "yaml://secret/dest?version=1", "AMBIGUOUS_QUERY")]
    [InlineData("yaml://secret/../env", "yaml://secret/dest", "ILLEGAL_SEGMENT")]
    [InlineData("yaml://secret/env", "yaml://secret/*", "INVALID_WILDCARD")]
    [InlineData("yaml+kv2://secret/env", "yaml://secret/dest", "UNSUPPORTED_ENGINE")]
    [InlineData("yaml://secret/env", "vault://secret/dest", "UNSUPPORTED_PROVIDER")]
    [InlineData("yaml://secret/env", "not a uri", "MALFORMED_URI")]
    public async Task Bad_uris_on_either_side_are_400_with_the_typed_code_and_nothing_is_written(string fromUri, string toUri, string code)
    {
        var before = await File.ReadAllTextAsync(host.YamlPath);

        await (await client.PostJsonAsync(Copy, new { fromUri, toUri, overwrite = true })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, code);

        (await File.ReadAllTextAsync(host.YamlPath)).ShouldBe(before);
        (await AuditProbe.EventsAsync(client, "effect=success")).ShouldBeEmpty();
    }

    [Theory]
    [InlineData("""{"fromUri":"yaml://secret/env"}""")]
    [InlineData("""{"toUri":"yaml://secret/dest"}""")]
    [InlineData("""{"fromUri":"","toUri":"yaml://secret/dest"}""")]
    [InlineData("""{"fromUri":"yaml://secret/env","toUri":"yaml://secret/dest","force":true}""")]
    [InlineData("""{"fromUri":"yaml://secret/env","toUri":"yaml://secret/dest","overwrite":"yes"}""")]
    [InlineData("""{"fromUri":"yaml://secret/env","toUri":"yaml://secret/dest",""")]
    public async Task Invalid_bodies_are_400_INVALID_REQUEST(string json)
    {
        var before = await File.ReadAllTextAsync(host.YamlPath);

        await (await client.PostRawAsync(Copy, json)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "INVALID_REQUEST");

        (await File.ReadAllTextAsync(host.YamlPath)).ShouldBe(before);
    }

    [Theory]
    [InlineData("yaml://secret/env#MY_API_KEY", "openbao+kv2://secret/app#k", false)]
    [InlineData("yaml://secret/env#MY_API_KEY", "openbao+kv2://secret/app#k", true)]
    [InlineData("hashicorp+kv2://secret/app#k", "yaml://secret/dest#k", true)]
    public async Task KVv2_on_either_side_is_501_OPERATION_NOT_SUPPORTED_and_nothing_is_written(string fromUri, string toUri, bool overwrite)
    {
        using var host = new SecretsHostFactory(SecretsHostFactory.WithoutKv2Providers);   // no KVv2 provider configured
        var client = host.CreateClient();
        var before = await File.ReadAllTextAsync(host.YamlPath);

        await (await client.PostJsonAsync(Copy, new { fromUri, toUri, overwrite })).ShouldBeProblemAsync(HttpStatusCode.NotImplemented, "OPERATION_NOT_SUPPORTED");

        (await File.ReadAllTextAsync(host.YamlPath)).ShouldBe(before);
    }

    [Fact]
    public async Task A_copy_is_one_SECRET_COPIED_record_on_the_destination_naming_the_source_and_both_decisions()
    {
        await (await client.PostAsync(Copy, new { fromUri = "yaml://secret/env#MY_API_KEY", toUri = "yaml://team/shared#api_key" }, "copy-audit"))
            .ShouldBeOkJsonAsync();

        var audit = await client.AuditOfAsync("copy-audit");

        var record = audit.ShouldHaveSingleItem();
        record.ShouldBeSuccess("SECRET_COPIED", "write", "yaml://team/shared#api_key");
        record.Str("source_uri").ShouldBe("yaml://secret/env#MY_API_KEY");
        record.Str("source_resource_ref").ShouldNotBeNullOrEmpty();
        var read = record["related_decision_ids"]!.AsArray().ShouldHaveSingleItem()!.GetValue<string>();
        read.ShouldStartWith("dec_");
        read.ShouldNotBe(record.Str("decision_id"));
        record.Str("correlation_id").ShouldBe("copy-audit");
    }

    [Fact]
    public async Task A_refused_copy_is_audited_as_a_failed_SECRET_COPIED_with_its_code()
    {
        await (await client.PostAsync(Copy, new { fromUri = "yaml://secret/env#MY_API_KEY", toUri = "yaml://secret/env#OTHER" }, "copy-409"))
            .ShouldBeProblemAsync(HttpStatusCode.Conflict, "DESTINATION_EXISTS");

        var audit = await client.AuditOfAsync("copy-409");

        audit.Count.ShouldBe(1);
        audit[0].ShouldBeFailure("SECRET_COPIED", "DESTINATION_EXISTS", "yaml://secret/env#OTHER");
        audit[0].Str("decision_id")!.ShouldStartWith("dec_");
    }

    [Fact]
    public async Task In_prod_with_the_yaml_provider_forced_on_copy_is_403_ENVIRONMENT_GUARD_and_the_file_is_unchanged()
    {
        using var prod = new SecretsHostFactory(SecretsHostFactory.ProdWithYaml);
        var before = await File.ReadAllTextAsync(prod.YamlPath);

        await (await prod.CreateClient().PostJsonAsync(Copy, new { fromUri = "yaml://secret/env#MY_API_KEY", toUri = "yaml://secret/dest#k" }))
            .ShouldBeProblemAsync(HttpStatusCode.Forbidden, "ENVIRONMENT_GUARD");

        (await File.ReadAllTextAsync(prod.YamlPath)).ShouldBe(before);
    }

}
