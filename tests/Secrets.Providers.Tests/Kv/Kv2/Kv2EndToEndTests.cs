using System.Globalization;
using System.Net;
using Secrets.Testing;
using static Secrets.Testing.HttpAssertions;

namespace Secrets.Providers.Tests.Kv.Kv2;

/// <summary>
/// POST /api/secrets, GET /api/secrets/value, GET /api/secrets (YAML only), DELETE /api/secrets and
/// POST /api/secrets/rotate through the public API against the embedded KVv2 server (docs/PROVIDERS.md, docs/API.md):
/// status, body, what the server stores (raw Vault API) and the audit record with kv_version.
/// </summary>
public sealed class Kv2EndToEndTests(Kv2EndToEndHost host) : Kv2EndToEndTest(host), IClassFixture<Kv2EndToEndHost>
{
    // ---- POST /api/secrets -------------------------------------------------------------------

    [Fact]
    public async Task Map_write_then_fragment_upserts_make_versions_1_2_3_in_the_server()
    {
        var path = NewPath("write");

        var first = await Client.PostJsonAsync("/api/secrets", new { uri = " OpenBao+KV2://secret/" + path + " ", value = new { user = "app", pass = "p1" } });
        var body = await OkAsync(first);
        body["uri"]!.GetValue<string>().ShouldBe(Ob(path));
        body["version"]!.GetValue<int>().ShouldBe(1);
        var written = await AuditedAsync(first, "SECRET_WRITTEN", "success", "write");
        KvVersion(written).ShouldBe(1);
        written["decision_id"]!.GetValue<string>().ShouldNotBeNullOrEmpty();
        written["provider"]!.GetValue<string>().ShouldBe("openbao");

        var second = await Client.PostJsonAsync("/api/secrets", new { uri = Ob(path, "pass"), value = "p2" });
        (await OkAsync(second))["version"]!.GetValue<int>().ShouldBe(2);
        KvVersion(await AuditedAsync(second, "SECRET_WRITTEN", "success", "write")).ShouldBe(2);
        (await WriteAsync(Ob(path, "extra"), "x")).ShouldBe(3);

        var latest = await RawDataAsync(path);
        latest.Status.ShouldBe(HttpStatusCode.OK);
        latest.Data["metadata"]!["version"]!.GetValue<int>().ShouldBe(3);
        latest.Data["data"]!.AsObject().Select(p => (p.Key, Str(p.Value))).OrderBy(p => p.Key)
            .ShouldBe([("extra", "x"), ("pass", "p2"), ("user", "app")]);
        var v1 = await RawDataAsync(path, 1);
        v1.Data["data"]!.AsObject().Select(p => (p.Key, Str(p.Value))).OrderBy(p => p.Key).ShouldBe([("pass", "p1"), ("user", "app")]);
    }

    [Fact]
    public async Task Cas_0_on_an_existing_path_is_409_CAS_MISMATCH_and_the_server_keeps_its_version()
    {
        var path = NewPath("cas");
        var created = await OkAsync(await Client.PostJsonAsync("/api/secrets", new { uri = Ob(path), value = new { k = "v1" }, cas = 0 }));
        created["version"]!.GetValue<int>().ShouldBe(1);

        var stale = await Client.PostJsonAsync("/api/secrets", new { uri = Ob(path), value = new { k = "v2" }, cas = 0 });

        await ProblemAsync(stale, HttpStatusCode.Conflict, "CAS_MISMATCH");
        var failed = await AuditedAsync(stale, "SECRET_WRITTEN", "failure", "write");
        Str(failed["error_code"]).ShouldBe("CAS_MISMATCH");
        var stored = await RawDataAsync(path);
        stored.Data["metadata"]!["version"]!.GetValue<int>().ShouldBe(1);
        Str(stored.Data["data"]!["k"]).ShouldBe("v1");

        var current = await OkAsync(await Client.PostJsonAsync("/api/secrets", new { uri = Ob(path), value = new { k = "v2" }, cas = 1 }));
        current["version"]!.GetValue<int>().ShouldBe(2);
    }

    [Fact]
    public async Task First_write_stamps_created_by_created_at_and_owner_and_a_later_write_keeps_them()
    {
        var path = NewPath("stamp");
        var before = DateTimeOffset.UtcNow.AddSeconds(-1);
        await WriteAsync(Ob(path), new { a = "1" });

        var custom = (await RawMetadataAsync(path)).Data["custom_metadata"]!;
        Str(custom["created_by"]).ShouldBe("anonymous");
        Str(custom["owner"]).ShouldBe("anonymous");
        var createdAt = Str(custom["created_at"]);
        createdAt.ShouldEndWith("Z");
        var stamp = DateTimeOffset.Parse(createdAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        stamp.ShouldBeInRange(before, DateTimeOffset.UtcNow.AddSeconds(1));

        await Task.Delay(20);
        (await WriteAsync(Ob(path, "b"), "2")).ShouldBe(2);
        (await WriteAsync(Ob(path), new { a = "3" })).ShouldBe(3);

        var after = (await RawMetadataAsync(path)).Data["custom_metadata"]!;
        Str(after["created_at"]).ShouldBe(createdAt);
        Str(after["created_by"]).ShouldBe("anonymous");
        Str(after["owner"]).ShouldBe("anonymous");
    }

    // ---- GET /api/secrets/value ---------------------------------------------------------------

    [Fact]
    public async Task Value_read_returns_the_latest_map_or_key_and_audits_SECRET_READ_with_kv_version()
    {
        var path = NewPath("read");
        await WriteAsync(Ob(path), new { user = "app", pass = "p1" });
        await WriteAsync(Ob(path, "pass"), "p2");

        var map = await ReadValueAsync(Ob(path));
        var body = await map.ShouldBeOkJsonAsync();
        body["uri"]!.GetValue<string>().ShouldBe(Ob(path));
        body["version"]!.GetValue<int>().ShouldBe(2);
        Str(body["value"]!["user"]).ShouldBe("app");
        Str(body["value"]!["pass"]).ShouldBe("p2");
        var read = await AuditedAsync(map, "SECRET_READ", "success", "execute");
        KvVersion(read).ShouldBe(2);
        read["decision_id"]!.GetValue<string>().ShouldNotBeNullOrEmpty();

        var key = await ReadValueAsync(Ob(path, "pass"));
        var keyBody = await key.ShouldBeOkJsonAsync();
        Str(keyBody["value"]).ShouldBe("p2");
        keyBody["version"]!.GetValue<int>().ShouldBe(2);
        KvVersion(await AuditedAsync(key, "SECRET_READ", "success", "execute")).ShouldBe(2);
    }

    [Fact]
    public async Task Version_pins_by_parameter_and_inside_the_uri_on_either_side_of_the_fragment()
    {
        var path = NewPath("pin");
        await WriteAsync(Ob(path), new { k = "one" });
        await WriteAsync(Ob(path), new { k = "two" });

        foreach (var response in new[]
        {
            await ReadValueAsync(Ob(path, "k"), 1),
            await ReadValueAsync($"openbao+kv2://secret/{path}#k?version=1"),
            await ReadValueAsync($"openbao+kv2://secret/{path}?version=1#k"),
        })
        {
            var body = await response.ShouldBeOkJsonAsync();
            Str(body["value"]).ShouldBe("one");
            body["version"]!.GetValue<int>().ShouldBe(1);
            KvVersion(await AuditedAsync(response, "SECRET_READ", "success", "execute")).ShouldBe(1);
        }
        var whole = await (await ReadValueAsync(Ob(path), 1)).ShouldBeOkJsonAsync();
        Str(whole["value"]!["k"]).ShouldBe("one");
        Str((await (await ReadValueAsync(Ob(path, "k"))).ShouldBeOkJsonAsync())["value"]).ShouldBe("two");
    }

    [Fact]
    public async Task Pin_answers_its_canonical_uri_and_a_conflicting_or_misplaced_pin_is_400_AMBIGUOUS_QUERY()
    {
        var path = NewPath("pinuri");
        await WriteAsync(Ob(path), new { k = "one" });
        await WriteAsync(Ob(path), new { k = "two" });

        var same = await (await ReadValueAsync($"openbao+kv2://secret/{path}?version=1#k", 1)).ShouldBeOkJsonAsync();
        Str(same["uri"]).ShouldBe($"openbao+kv2://secret/{path}#k?version=1");
        Str(same["value"]).ShouldBe("one");

        await ProblemAsync(await ReadValueAsync($"openbao+kv2://secret/{path}#k?version=1", 2), HttpStatusCode.BadRequest, "AMBIGUOUS_QUERY");
        await ProblemAsync(await ReadValueAsync($"openbao+kv2://secret/{path}#k?version=0"), HttpStatusCode.BadRequest, "AMBIGUOUS_QUERY");
        await ProblemAsync(await Client.PostJsonAsync("/api/secrets", new { uri = $"openbao+kv2://secret/{path}#k?version=1", value = "x" }),
            HttpStatusCode.BadRequest, "AMBIGUOUS_QUERY");
        await ProblemAsync(await Client.DeleteAsync($"/api/secrets?uri={Q($"openbao+kv2://secret/{path}?version=1")}"), HttpStatusCode.BadRequest, "AMBIGUOUS_QUERY");
        await ProblemAsync(await Client.DeleteAsync($"/api/secrets?uri={Q(Ob(path, "k"))}&destroy=true"), HttpStatusCode.BadRequest, "FRAGMENT_NOT_ALLOWED");
        (await RawMetadataAsync(path)).Data["current_version"]!.GetValue<int>().ShouldBe(2);
        Str((await RawMetadataAsync(path)).Data["versions"]!["2"]!["deletion_time"]).ShouldBeEmpty();
    }

    [Fact]
    public async Task Pinned_reads_of_deleted_destroyed_and_future_versions_and_missing_keys_are_typed()
    {
        var path = NewPath("pins");
        await WriteAsync(Ob(path), new { k = "one" });
        await WriteAsync(Ob(path), new { k = "two" });
        await WriteAsync(Ob(path), new { k = "three" });
        await RawPostAsync($"secret/delete/{path}", new { versions = new[] { 2 } });
        await RawPostAsync($"secret/destroy/{path}", new { versions = new[] { 1 } });

        var deleted = await ReadValueAsync(Ob(path, "k"), 2);
        await ProblemAsync(deleted, HttpStatusCode.Conflict, "VERSION_DELETED");
        Str((await AuditedAsync(deleted, "SECRET_READ", "failure", "execute"))["error_code"]).ShouldBe("VERSION_DELETED");

        var destroyed = await ReadValueAsync(Ob(path, "k"), 1);
        await ProblemAsync(destroyed, HttpStatusCode.Conflict, "VERSION_DESTROYED");
        Str((await AuditedAsync(destroyed, "SECRET_READ", "failure", "execute"))["error_code"]).ShouldBe("VERSION_DESTROYED");

        await ProblemAsync(await ReadValueAsync(Ob(path, "k"), 4), HttpStatusCode.NotFound, "SECRET_NOT_FOUND");
        await ProblemAsync(await ReadValueAsync(Ob(path, "k"), 99), HttpStatusCode.NotFound, "SECRET_NOT_FOUND");
        var missingKey = await ReadValueAsync(Ob(path, "nope"));
        await ProblemAsync(missingKey, HttpStatusCode.NotFound, "FRAGMENT_NOT_FOUND");
        Str((await AuditedAsync(missingKey, "SECRET_READ", "failure", "execute"))["error_code"]).ShouldBe("FRAGMENT_NOT_FOUND");
        await ProblemAsync(await ReadValueAsync(Ob(NewPath("absent"), "k")), HttpStatusCode.NotFound, "SECRET_NOT_FOUND");

        Str((await (await ReadValueAsync(Ob(path, "k"))).ShouldBeOkJsonAsync())["value"]).ShouldBe("three");
    }

    [Fact]
    public async Task Yaml_only_read_is_501_for_kv2_uris_even_when_the_path_exists()
    {
        var path = NewPath("yamlonly");
        await WriteAsync(Ob(path), new { k = "v" });

        await ProblemAsync(await Client.GetAsync($"/api/secrets?uri={Q(Ob(path))}"), HttpStatusCode.NotImplemented, "OPERATION_NOT_SUPPORTED");
        await ProblemAsync(await Client.GetAsync($"/api/secrets?uri={Q(Hc(path, "k"))}"), HttpStatusCode.NotImplemented, "OPERATION_NOT_SUPPORTED");
    }

    // ---- DELETE /api/secrets -----------------------------------------------------------------

    [Fact]
    public async Task Soft_delete_hides_the_latest_version_and_leaves_older_pins_readable()
    {
        var path = NewPath("softdel");
        await WriteAsync(Ob(path), new { k = "one" });
        await WriteAsync(Ob(path), new { k = "two" });

        var delete = await Client.DeleteAsync($"/api/secrets?uri={Q(Ob(path))}");

        await NoContentAsync(delete);
        await AuditedAsync(delete, "SECRET_DELETED", "success", "delete");
        await ProblemAsync(await ReadValueAsync(Ob(path, "k")), HttpStatusCode.NotFound, "SECRET_NOT_FOUND");
        await ProblemAsync(await ReadValueAsync(Ob(path, "k"), 2), HttpStatusCode.Conflict, "VERSION_DELETED");
        Str((await (await ReadValueAsync(Ob(path, "k"), 1)).ShouldBeOkJsonAsync())["value"]).ShouldBe("one");
        var versions = (await RawMetadataAsync(path)).Data["versions"]!;
        Str(versions["2"]!["deletion_time"]).ShouldNotBeNullOrEmpty();
        Str(versions["1"]!["deletion_time"]).ShouldBeEmpty();
        (await RawDataAsync(path)).Status.ShouldBe(HttpStatusCode.NotFound);

        // deleting again finds no live latest version
        await ProblemAsync(await Client.DeleteAsync($"/api/secrets?uri={Q(Ob(path))}"), HttpStatusCode.NotFound, "SECRET_NOT_FOUND");
    }

    [Fact]
    public async Task Destroy_true_removes_the_metadata_and_every_read_is_404()
    {
        var path = NewPath("destroyall");
        await WriteAsync(Ob(path), new { k = "one" });
        await WriteAsync(Ob(path), new { k = "two" });

        var destroy = await Client.DeleteAsync($"/api/secrets?uri={Q(Ob(path))}&destroy=true");

        await NoContentAsync(destroy);
        await AuditedAsync(destroy, "SECRET_DESTROYED", "success", "destroy_versions");
        (await RawMetadataAsync(path)).Status.ShouldBe(HttpStatusCode.NotFound);
        (await RawDataAsync(path, 1)).Status.ShouldBe(HttpStatusCode.NotFound);
        await ProblemAsync(await ReadValueAsync(Ob(path, "k")), HttpStatusCode.NotFound, "SECRET_NOT_FOUND");
        await ProblemAsync(await ReadValueAsync(Ob(path, "k"), 1), HttpStatusCode.NotFound, "SECRET_NOT_FOUND");
        await ProblemAsync(await ReadValueAsync(Ob(path, "k"), 2), HttpStatusCode.NotFound, "SECRET_NOT_FOUND");
        await ProblemAsync(await Client.GetAsync($"/api/secrets/versions?uri={Q(Ob(path))}"), HttpStatusCode.NotFound, "SECRET_NOT_FOUND");
        await ProblemAsync(await Client.DeleteAsync($"/api/secrets?uri={Q(Ob(path))}&destroy=true"), HttpStatusCode.NotFound, "SECRET_NOT_FOUND");
    }

    [Fact]
    public async Task Fragment_delete_writes_a_new_version_without_that_key()
    {
        var path = NewPath("fragdel");
        await WriteAsync(Ob(path), new { keep = "k", drop = "d" });

        await NoContentAsync(await Client.DeleteAsync($"/api/secrets?uri={Q(Ob(path, "drop"))}"));

        var latest = await RawDataAsync(path);
        latest.Data["metadata"]!["version"]!.GetValue<int>().ShouldBe(2);
        latest.Data["data"]!.AsObject().Select(p => p.Key).ShouldBe(["keep"]);
        Str((await RawDataAsync(path, 1)).Data["data"]!["drop"]).ShouldBe("d");
        await ProblemAsync(await ReadValueAsync(Ob(path, "drop")), HttpStatusCode.NotFound, "FRAGMENT_NOT_FOUND");
        await ProblemAsync(await Client.DeleteAsync($"/api/secrets?uri={Q(Ob(path, "drop"))}"), HttpStatusCode.NotFound, "FRAGMENT_NOT_FOUND");
        (await RawMetadataAsync(path)).Data["current_version"]!.GetValue<int>().ShouldBe(2);
    }

    [Fact]
    public async Task Fragment_delete_audit_carries_the_new_kv_version()
    {
        // docs/AUDIT.md#the-event: kv_version "when known" — a fragment delete writes version 2, so it is known.
        var path = NewPath("fragdelaudit");
        await WriteAsync(Ob(path), new { keep = "k", drop = "d" });

        var delete = await Client.DeleteAsync($"/api/secrets?uri={Q(Ob(path, "drop"))}");

        await NoContentAsync(delete);
        KvVersion(await AuditedAsync(delete, "SECRET_DELETED", "success", "delete")).ShouldBe(2);
    }

    // ---- POST /api/secrets/rotate ------------------------------------------------------------

    [Fact]
    public async Task Rotate_writes_a_new_version_and_audits_SECRET_ROTATED_with_kv_version()
    {
        var path = NewPath("rotate");
        await WriteAsync(Ob(path), new { k = "old", other = "o" });

        var rotateKey = await Client.PostJsonAsync("/api/secrets/rotate", new { uri = Ob(path, "k"), value = "new" });
        var body = await OkAsync(rotateKey);
        body["uri"]!.GetValue<string>().ShouldBe(Ob(path, "k"));
        body["version"]!.GetValue<int>().ShouldBe(2);
        KvVersion(await AuditedAsync(rotateKey, "SECRET_ROTATED", "success", "rotate")).ShouldBe(2);

        var rotateMap = await Client.PostJsonAsync("/api/secrets/rotate", new { uri = Ob(path), value = new { k = "newest" } });
        (await OkAsync(rotateMap))["version"]!.GetValue<int>().ShouldBe(3);
        KvVersion(await AuditedAsync(rotateMap, "SECRET_ROTATED", "success", "rotate")).ShouldBe(3);

        var v2 = (await RawDataAsync(path, 2)).Data["data"]!;
        Str(v2["k"]).ShouldBe("new");
        Str(v2["other"]).ShouldBe("o");
        (await RawDataAsync(path)).Data["data"]!.AsObject().Select(p => p.Key).ShouldBe(["k"]);
        Str((await RawDataAsync(path, 1)).Data["data"]!["k"]).ShouldBe("old");
    }

    [Fact]
    public async Task Rotate_of_a_missing_path_is_404_and_creates_nothing()
    {
        var path = NewPath("rotatemissing");

        var rotate = await Client.PostJsonAsync("/api/secrets/rotate", new { uri = Ob(path, "k"), value = "new" });

        await ProblemAsync(rotate, HttpStatusCode.NotFound, "SECRET_NOT_FOUND");
        Str((await AuditedAsync(rotate, "SECRET_ROTATED", "failure", "rotate"))["error_code"]).ShouldBe("SECRET_NOT_FOUND");
        (await RawMetadataAsync(path)).Status.ShouldBe(HttpStatusCode.NotFound);
    }
}
