using System.Net;
using System.Text.Json.Nodes;
using Secrets.Testing;
using static Secrets.Testing.HttpAssertions;

namespace Secrets.Providers.Tests.Kv.Kv2;

/// <summary>
/// metadata/detail, versions, undelete, destroy-versions and metadata/owner against the embedded
/// KVv2 server: answers, stored state (raw Vault API) and audit.
/// </summary>
public sealed class Kv2EndToEndVersionsTests(Kv2EndToEndHost host) : Kv2EndToEndTest(host), IClassFixture<Kv2EndToEndHost>
{
    private static Dictionary<int, JsonNode> ByVersion(JsonNode body) =>
        body["versions"]!.AsArray().ToDictionary(v => v!["version"]!.GetValue<int>(), v => v!);

    private async Task<Dictionary<int, JsonNode>> VersionsAsync(string path) =>
        ByVersion(await OkAsync(await Client.GetAsync($"/api/secrets/versions?uri={Q(Ob(path))}")));

    private static bool IsDeleted(JsonNode v) => v["deletionTime"] is not null;

    private static bool IsDestroyed(JsonNode v) => v["destroyed"]!.GetValue<bool>();

    [Fact]
    public async Task Metadata_detail_shows_versions_and_the_custom_metadata_stamps_and_audits_kv_version()
    {
        var path = NewPath("detail");
        await WriteAsync(Ob(path), new { k = "one" });
        await WriteAsync(Ob(path), new { k = "two" });

        var response = await Client.GetAsync($"/api/secrets/metadata/detail?uri={Q(Ob(path))}");

        var body = await OkAsync(response);
        body["uri"]!.GetValue<string>().ShouldBe(Ob(path));
        body["currentVersion"]!.GetValue<int>().ShouldBe(2);
        body["createdTime"].ShouldNotBeNull();
        body["updatedTime"].ShouldNotBeNull();
        var raw = (await RawMetadataAsync(path)).Data;
        var custom = body["customMetadata"]!;
        Str(custom["created_by"]).ShouldBe("anonymous");
        Str(custom["owner"]).ShouldBe("anonymous");
        Str(custom["created_at"]).ShouldBe(Str(raw["custom_metadata"]!["created_at"]));
        ByVersion(body).Keys.Order().ShouldBe([1, 2]);
        ByVersion(body).Values.ShouldAllBe(v => !IsDeleted(v) && !IsDestroyed(v));
        body.ToJsonString().ShouldNotContain("one");
        body.ToJsonString().ShouldNotContain("two");
        KvVersion(await AuditedAsync(response, "SECRET_METADATA_READ", "success", "read_metadata")).ShouldBe(2);

        await ProblemAsync(await Client.GetAsync($"/api/secrets/metadata/detail?uri={Q(Ob(NewPath("none")))}"), HttpStatusCode.NotFound, "SECRET_NOT_FOUND");
        await ProblemAsync(await Client.GetAsync($"/api/secrets/metadata/detail?uri={Q(Ob(path, "k"))}"), HttpStatusCode.BadRequest, "FRAGMENT_NOT_ALLOWED");
    }

    [Fact]
    public async Task Versions_list_created_deleted_and_destroyed_states_as_the_server_has_them()
    {
        var path = NewPath("versions");
        for (var i = 1; i <= 3; i++)
            await WriteAsync(Ob(path), new { k = "v" + i });
        await RawPostAsync($"secret/delete/{path}", new { versions = new[] { 2 } });
        await RawPostAsync($"secret/destroy/{path}", new { versions = new[] { 1 } });

        var response = await Client.GetAsync($"/api/secrets/versions?uri={Q(Ob(path))}");

        var body = await OkAsync(response);
        body["currentVersion"]!.GetValue<int>().ShouldBe(3);
        var versions = ByVersion(body);
        versions.Keys.Order().ShouldBe([1, 2, 3]);
        IsDestroyed(versions[1]).ShouldBeTrue();
        IsDeleted(versions[2]).ShouldBeTrue();
        IsDestroyed(versions[2]).ShouldBeFalse();
        IsDeleted(versions[3]).ShouldBeFalse();
        IsDestroyed(versions[3]).ShouldBeFalse();
        versions.Values.ShouldAllBe(v => v["createdTime"] != null);
        KvVersion(await AuditedAsync(response, "SECRET_METADATA_READ", "success", "read_metadata")).ShouldBe(3);
    }

    [Fact]
    public async Task Undelete_restores_exactly_the_given_versions()
    {
        var path = NewPath("undelete");
        for (var i = 1; i <= 3; i++)
            await WriteAsync(Ob(path), new { k = "v" + i });
        await RawPostAsync($"secret/delete/{path}", new { versions = new[] { 1, 2, 3 } });

        var undelete = await Client.PostJsonAsync("/api/secrets/undelete", new { uri = Ob(path), versions = new[] { 1, 3 } });

        await NoContentAsync(undelete);
        await AuditedAsync(undelete, "SECRET_UNDELETED", "success", "undelete");
        var raw = (await RawMetadataAsync(path)).Data["versions"]!;
        Str(raw["1"]!["deletion_time"]).ShouldBeEmpty();
        Str(raw["2"]!["deletion_time"]).ShouldNotBeEmpty();
        Str(raw["3"]!["deletion_time"]).ShouldBeEmpty();
        Str((await (await ReadValueAsync(Ob(path, "k"), 1)).ShouldBeOkJsonAsync())["value"]).ShouldBe("v1");
        await ProblemAsync(await ReadValueAsync(Ob(path, "k"), 2), HttpStatusCode.Conflict, "VERSION_DELETED");
        Str((await (await ReadValueAsync(Ob(path, "k"))).ShouldBeOkJsonAsync())["value"]).ShouldBe("v3");
        var versions = await VersionsAsync(path);
        IsDeleted(versions[1]).ShouldBeFalse();
        IsDeleted(versions[2]).ShouldBeTrue();
        IsDeleted(versions[3]).ShouldBeFalse();
    }

    [Fact]
    public async Task Undelete_and_destroy_versions_validate_their_body_and_the_path()
    {
        var path = NewPath("versionsbody");
        await WriteAsync(Ob(path), new { k = "v" });

        foreach (var endpoint in new[] { "/api/secrets/undelete", "/api/secrets/destroy-versions" })
        {
            await ProblemAsync(await Client.PostJsonAsync(endpoint, new { uri = Ob(path), versions = Array.Empty<int>() }), HttpStatusCode.BadRequest, "INVALID_REQUEST");
            await ProblemAsync(await Client.PostRawAsync(endpoint, $$"""{"uri":"{{Ob(path)}}"}"""), HttpStatusCode.BadRequest, "INVALID_REQUEST");
            await ProblemAsync(await Client.PostJsonAsync(endpoint, new { uri = Ob(path, "k"), versions = new[] { 1 } }), HttpStatusCode.BadRequest, "FRAGMENT_NOT_ALLOWED");
            await ProblemAsync(await Client.PostJsonAsync(endpoint, new { uri = Ob(NewPath("none")), versions = new[] { 1 } }), HttpStatusCode.NotFound, "SECRET_NOT_FOUND");
        }
        var meta = (await RawMetadataAsync(path)).Data["versions"]!["1"]!;
        Str(meta["deletion_time"]).ShouldBeEmpty();
        meta["destroyed"]!.GetValue<bool>().ShouldBeFalse();
    }

    [Fact]
    public async Task Destroy_versions_is_irreversible_and_leaves_other_versions_alone()
    {
        var path = NewPath("destroyv");
        for (var i = 1; i <= 3; i++)
            await WriteAsync(Ob(path), new { k = "v" + i });

        var destroy = await Client.PostJsonAsync("/api/secrets/destroy-versions", new { uri = Ob(path), versions = new[] { 1, 2 } });

        await NoContentAsync(destroy);
        await AuditedAsync(destroy, "SECRET_DESTROYED", "success", "destroy_versions");
        var raw = (await RawMetadataAsync(path)).Data["versions"]!;
        raw["1"]!["destroyed"]!.GetValue<bool>().ShouldBeTrue();
        raw["2"]!["destroyed"]!.GetValue<bool>().ShouldBeTrue();
        raw["3"]!["destroyed"]!.GetValue<bool>().ShouldBeFalse();
        (await RawDataAsync(path, 1)).Body!["data"]!["data"].ShouldBeNull();

        await NoContentAsync(await Client.PostJsonAsync("/api/secrets/undelete", new { uri = Ob(path), versions = new[] { 1 } }));
        await ProblemAsync(await ReadValueAsync(Ob(path, "k"), 1), HttpStatusCode.Conflict, "VERSION_DESTROYED");
        await ProblemAsync(await ReadValueAsync(Ob(path, "k"), 2), HttpStatusCode.Conflict, "VERSION_DESTROYED");
        Str((await (await ReadValueAsync(Ob(path, "k"))).ShouldBeOkJsonAsync())["value"]).ShouldBe("v3");
        var versions = await VersionsAsync(path);
        IsDestroyed(versions[1]).ShouldBeTrue();
        IsDestroyed(versions[3]).ShouldBeFalse();
    }

    [Fact]
    public async Task Set_owner_changes_owner_and_keeps_created_by_and_created_at()
    {
        var path = NewPath("owner");
        await WriteAsync(Ob(path), new { k = "v" });
        var before = (await RawMetadataAsync(path)).Data["custom_metadata"]!;

        var response = await Client.PostJsonAsync("/api/secrets/metadata/owner", new { uri = Ob(path), owner = "team-payments" });

        var body = await OkAsync(response);
        body["uri"]!.GetValue<string>().ShouldBe(Ob(path));
        body["owner"]!.GetValue<string>().ShouldBe("team-payments");
        KvVersion(await AuditedAsync(response, "SECRET_OWNER_UPDATED", "success", "owner_update")).ShouldBe(1);
        var after = (await RawMetadataAsync(path)).Data;
        Str(after["custom_metadata"]!["owner"]).ShouldBe("team-payments");
        Str(after["custom_metadata"]!["created_by"]).ShouldBe(Str(before["created_by"]));
        Str(after["custom_metadata"]!["created_at"]).ShouldBe(Str(before["created_at"]));
        after["current_version"]!.GetValue<int>().ShouldBe(1);   // metadata only: no new version

        // a later write keeps the new owner (stamps only on the first write)
        await WriteAsync(Ob(path), new { k = "w" });
        Str((await RawMetadataAsync(path)).Data["custom_metadata"]!["owner"]).ShouldBe("team-payments");
        var detail = await OkAsync(await Client.GetAsync($"/api/secrets/metadata/detail?uri={Q(Ob(path))}"));
        Str(detail["customMetadata"]!["owner"]).ShouldBe("team-payments");
    }

    [Fact]
    public async Task Set_owner_on_a_missing_path_is_404_and_creates_no_metadata()
    {
        var path = NewPath("ownermissing");

        var response = await Client.PostJsonAsync("/api/secrets/metadata/owner", new { uri = Ob(path), owner = "someone" });

        await ProblemAsync(response, HttpStatusCode.NotFound, "SECRET_NOT_FOUND");
        Str((await AuditedAsync(response, "SECRET_OWNER_UPDATED", "failure", "owner_update"))["error_code"]).ShouldBe("SECRET_NOT_FOUND");
        (await RawMetadataAsync(path)).Status.ShouldBe(HttpStatusCode.NotFound);
    }
}
