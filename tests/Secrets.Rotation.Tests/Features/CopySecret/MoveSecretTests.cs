using System.Net;
using Secrets.Testing;
using static Secrets.Testing.HttpAssertions;

namespace Secrets.Rotation.Tests.Features.CopySecret;

public sealed class MoveSecretTests : IDisposable
{
    private const string Move = "/api/secrets/move";
    private readonly SecretsHostFactory host = new();
    private readonly HttpClient client;

    public MoveSecretTests() => client = host.CreateClient();

    public void Dispose() => host.Dispose();

    [Fact]
    public async Task A_path_is_moved_and_the_source_is_gone()
    {
        var body = await (await client.PostJsonAsync(Move, new { fromUri = "yaml://secret/app/db", toUri = "yaml://team/db" })).ShouldBeOkJsonAsync();

        body["fromUri"]!.GetValue<string>().ShouldBe("yaml://secret/app/db");
        body["toUri"]!.GetValue<string>().ShouldBe("yaml://team/db");
        body["version"].ShouldBeNull();
        var file = StoredYaml.Load(host.YamlPath);
        file.Secret("team/db").ShouldBe(new Dictionary<string, string?> { ["username"] = "app", ["password"] = "db-password" }, ignoreOrder: true);
        file.Map("secret/app/db").ShouldBeNull();
        file.Map("secret/app").ShouldBeNull();   // emptied parents are pruned
        file.Value("secret/env", "MY_API_KEY").ShouldBe("dev-api-key");
        (await client.ReadValueAsync("yaml://secret/app/db")).ShouldBeNull();
        (await client.ReadValueAsync("yaml://team/db"))!["username"]!.GetValue<string>().ShouldBe("app");
    }

    [Fact]
    public async Task A_key_is_moved_and_only_that_key_leaves_the_source()
    {
        await (await client.PostJsonAsync(Move, new { fromUri = "yaml://secret/env#MY_API_KEY", toUri = "yaml://team/shared#api_key" })).ShouldBeOkJsonAsync();

        var file = StoredYaml.Load(host.YamlPath);
        file.Secret("secret/env").ShouldBe(new Dictionary<string, string?> { ["OTHER"] = "other-value" });
        file.Secret("team/shared").ShouldBe(new Dictionary<string, string?> { ["token"] = "team-token", ["api_key"] = "dev-api-key" }, ignoreOrder: true);
        await (await client.GetAsync($"/api/secrets/value?uri={Q("yaml://secret/env#MY_API_KEY")}"))
            .ShouldBeProblemAsync(HttpStatusCode.NotFound, "FRAGMENT_NOT_FOUND");
    }

    [Fact]
    public async Task A_key_renamed_within_its_path_keeps_the_other_keys()
    {
        await (await client.PostJsonAsync(Move, new { fromUri = "yaml://secret/env#MY_API_KEY", toUri = "yaml://secret/env#API_KEY" })).ShouldBeOkJsonAsync();

        StoredYaml.Load(host.YamlPath).Secret("secret/env").ShouldBe(
            new Dictionary<string, string?> { ["API_KEY"] = "dev-api-key", ["OTHER"] = "other-value" }, ignoreOrder: true);
    }

    [Fact]
    public async Task Moving_the_last_key_of_a_path_leaves_no_secret_there()
    {
        await (await client.PostJsonAsync(Move, new { fromUri = "yaml://team/shared#token", toUri = "yaml://secret/env#TEAM_TOKEN" })).ShouldBeOkJsonAsync();

        var file = StoredYaml.Load(host.YamlPath);
        file.Secret("team/shared").ShouldBeEmpty();
        file.Value("secret/env", "TEAM_TOKEN").ShouldBe("team-token");
        (await client.ReadValueAsync("yaml://team/shared")).ShouldBeNull();
    }

    [Fact]
    public async Task A_path_moved_below_itself_keeps_the_moved_copy()
    {
        await (await client.PostJsonAsync(Move, new { fromUri = "yaml://secret/env", toUri = "yaml://secret/env/archive" })).ShouldBeOkJsonAsync();

        var file = StoredYaml.Load(host.YamlPath);
        file.Secret("secret/env").ShouldBeEmpty();
        file.Secret("secret/env/archive").ShouldBe(
            new Dictionary<string, string?> { ["MY_API_KEY"] = "dev-api-key", ["OTHER"] = "other-value" }, ignoreOrder: true);
    }

    [Fact]
    public async Task An_existing_destination_is_409_DESTINATION_EXISTS_and_both_sides_stay_as_they_were()
    {
        var before = await File.ReadAllTextAsync(host.YamlPath);

        await (await client.PostJsonAsync(Move, new { fromUri = "yaml://secret/app/db", toUri = "yaml://secret/env" }))
            .ShouldBeProblemAsync(HttpStatusCode.Conflict, "DESTINATION_EXISTS");
        await (await client.PostJsonAsync(Move, new { fromUri = "yaml://secret/env#MY_API_KEY", toUri = "yaml://secret/env#OTHER", overwrite = false }))
            .ShouldBeProblemAsync(HttpStatusCode.Conflict, "DESTINATION_EXISTS");

        (await File.ReadAllTextAsync(host.YamlPath)).ShouldBe(before);
        (await client.ReadValueAsync("yaml://secret/app/db"))!["password"]!.GetValue<string>().ShouldBe("db-password");
        (await client.ReadValueAsync("yaml://secret/env#MY_API_KEY"))!.GetValue<string>().ShouldBe("dev-api-key");
    }

    [Fact]
    public async Task Overwrite_replaces_the_destination_and_removes_the_source()
    {
        await (await client.PostJsonAsync(Move, new { fromUri = "yaml://secret/env#MY_API_KEY", toUri = "yaml://secret/env#OTHER", overwrite = true }))
            .ShouldBeOkJsonAsync();

        StoredYaml.Load(host.YamlPath).Secret("secret/env").ShouldBe(new Dictionary<string, string?> { ["OTHER"] = "dev-api-key" });
    }

    [Theory]
    [InlineData("yaml://secret/nope", "SECRET_NOT_FOUND")]
    [InlineData("yaml://secret/env#NOPE", "FRAGMENT_NOT_FOUND")]
    public async Task A_missing_source_is_404_and_nothing_changes(string fromUri, string code)
    {
        var before = await File.ReadAllTextAsync(host.YamlPath);
        var toUri = fromUri.Contains('#', StringComparison.Ordinal) ? "yaml://secret/dest#k" : "yaml://secret/dest";

        await (await client.PostJsonAsync(Move, new { fromUri, toUri })).ShouldBeProblemAsync(HttpStatusCode.NotFound, code);

        (await File.ReadAllTextAsync(host.YamlPath)).ShouldBe(before);
    }

    [Theory]
    [InlineData("yaml://secret/env#MY_API_KEY", "yaml://secret/dest", "INVALID_REQUEST")]
    [InlineData("yaml://secret/env", "yaml://secret/dest#k", "INVALID_REQUEST")]
    [InlineData("yaml://secret/env", "yaml://secret/env", "INVALID_REQUEST")]
    [InlineData("yaml://secret/env", "yaml://other/dest", "TENANT_MOUNT_MISMATCH")]
    [InlineData("yaml://secret/env?version=1", "yaml://secret/dest", "AMBIGUOUS_QUERY")]
    public async Task Invalid_moves_are_400_and_the_source_stays(string fromUri, string toUri, string code)
    {
        var before = await File.ReadAllTextAsync(host.YamlPath);

        await (await client.PostJsonAsync(Move, new { fromUri, toUri, overwrite = true })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, code);

        (await File.ReadAllTextAsync(host.YamlPath)).ShouldBe(before);
    }

    [Fact]
    public async Task A_move_to_KVv2_is_501_and_the_source_stays()
    {
        using var host = new SecretsHostFactory(SecretsHostFactory.WithoutKv2Providers);   // no KVv2 provider configured
        var client = host.CreateClient();
        var before = await File.ReadAllTextAsync(host.YamlPath);

        await (await client.PostJsonAsync(Move, new { fromUri = "yaml://secret/env#MY_API_KEY", toUri = "openbao+kv2://secret/env#MY_API_KEY", overwrite = true }))
            .ShouldBeProblemAsync(HttpStatusCode.NotImplemented, "OPERATION_NOT_SUPPORTED");

        (await File.ReadAllTextAsync(host.YamlPath)).ShouldBe(before);
    }

    [Fact]
    public async Task A_move_is_one_SECRET_MOVED_record_naming_the_source_and_its_read_and_delete_decisions()
    {
        await (await client.PostAsync(Move, new { fromUri = "yaml://secret/env#MY_API_KEY", toUri = "yaml://team/shared#api_key" }, "move-audit"))
            .ShouldBeOkJsonAsync();

        var audit = await client.AuditOfAsync("move-audit");

        var record = audit.ShouldHaveSingleItem();
        record.ShouldBeSuccess("SECRET_MOVED", "write", "yaml://team/shared#api_key");
        record.Str("source_uri").ShouldBe("yaml://secret/env#MY_API_KEY");
        var decisions = record["related_decision_ids"]!.AsArray().Select(d => d!.GetValue<string>()).Append(record.Str("decision_id")).ToList();
        decisions.Distinct().Count().ShouldBe(3);   // write, read and delete were each decided
        (await AuditProbe.EventsAsync(client, "event_type=SECRET_COPIED")).ShouldBeEmpty();
    }

    [Fact]
    public async Task A_refused_move_is_audited_as_a_failed_SECRET_MOVED_and_nothing_as_deleted()
    {
        await (await client.PostAsync(Move, new { fromUri = "yaml://secret/app/db", toUri = "yaml://secret/env" }, "move-409"))
            .ShouldBeProblemAsync(HttpStatusCode.Conflict, "DESTINATION_EXISTS");

        var audit = await client.AuditOfAsync("move-409");

        audit.Count.ShouldBe(1);
        audit[0].ShouldBeFailure("SECRET_MOVED", "DESTINATION_EXISTS", "yaml://secret/env");
        (await AuditProbe.EventsAsync(client, "event_type=SECRET_DELETED")).ShouldBeEmpty();
    }

    [Fact]
    public async Task In_prod_with_the_yaml_provider_forced_on_move_is_403_ENVIRONMENT_GUARD_and_the_source_stays()
    {
        using var prod = new SecretsHostFactory(SecretsHostFactory.ProdWithYaml);
        var before = await File.ReadAllTextAsync(prod.YamlPath);
        var prodClient = prod.CreateClient();

        await (await prodClient.PostJsonAsync(Move, new { fromUri = "yaml://secret/app/db", toUri = "yaml://secret/db" }))
            .ShouldBeProblemAsync(HttpStatusCode.Forbidden, "ENVIRONMENT_GUARD");

        (await File.ReadAllTextAsync(prod.YamlPath)).ShouldBe(before);
        (await prodClient.ReadValueAsync("yaml://secret/app/db"))!["username"]!.GetValue<string>().ShouldBe("app");
    }

}
