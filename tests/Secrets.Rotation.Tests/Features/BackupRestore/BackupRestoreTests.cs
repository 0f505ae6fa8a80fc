using System.Net;
using System.Text.Json.Nodes;
using Secrets.Testing;

namespace Secrets.Rotation.Tests.Features.BackupRestore;

/// <summary>
/// Backup and restore on the embedded dev KVv2 server (docs/BACKUP.md): a round trip through a wipe reproduces
/// every path's latest data, version history and custom metadata; a dry run reports and changes nothing; an archive
/// that was tampered with, cut short or made with another key is refused whole, and nothing is written.
/// </summary>
public sealed class BackupRestoreTests : IDisposable
{
    private readonly string key = Archives.NewKey();
    private readonly SecretsHostFactory host;
    private readonly HttpClient client;
    private readonly string root = "openbao+kv2://secret/bk-" + Guid.NewGuid().ToString("N")[..8];

    public BackupRestoreTests()
    {
        host = new SecretsHostFactory(new Dictionary<string, string?> { ["BACKUP_KEY"] = key });
        client = host.CreateClient();
    }

    public void Dispose() => host.Dispose();

    private string Prefix => root + "/*";

    /// <summary>
    /// Four paths with every kind of history: three versions; a destroyed first version; an owner changed in the
    /// custom metadata; a latest version soft-deleted. Returns their URIs.
    /// </summary>
    private async Task<string[]> SeedAsync(string canary = "v")
    {
        string[] paths = [root + "/app/db", root + "/app/api", root + "/team/owned", root + "/gone"];
        for (var i = 1; i <= 3; i++)
            await Ok(client.PostJsonAsync("/api/secrets", new { uri = paths[0], value = new { user = "app", password = $"{canary}-db-{i}" } }));
        await Ok(client.PostJsonAsync("/api/secrets", new { uri = paths[1], value = new { token = $"{canary}-api-1" } }));
        await Ok(client.PostJsonAsync("/api/secrets", new { uri = paths[1], value = new { token = $"{canary}-api-2" } }));
        await Ok(client.PostJsonAsync("/api/secrets/destroy-versions", new { uri = paths[1], versions = new[] { 1 } }));
        await Ok(client.PostJsonAsync("/api/secrets", new { uri = paths[2], value = new { k = $"{canary}-owned" } }));
        await Ok(client.PostJsonAsync("/api/secrets/metadata/owner", new { uri = paths[2], owner = "team-payments" }));
        await Ok(client.PostJsonAsync("/api/secrets", new { uri = paths[3], value = new { k = $"{canary}-gone-1" } }));
        await Ok(client.PostJsonAsync("/api/secrets", new { uri = paths[3], value = new { k = $"{canary}-gone-2" } }));
        (await client.DeleteAsync($"/api/secrets?uri={HttpAssertions.Q(paths[3])}")).IsSuccessStatusCode.ShouldBeTrue();
        return paths;
    }

    private static async Task Ok(Task<HttpResponseMessage> call)
    {
        using var response = await call;
        response.IsSuccessStatusCode.ShouldBeTrue($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private async Task WipeAsync(IEnumerable<string> paths)
    {
        foreach (var path in paths)
            await Ok(client.DeleteAsync($"/api/secrets?uri={HttpAssertions.Q(path)}&destroy=true"));
    }

    /// <summary>What a path holds, as the API shows it: each version's state, the custom metadata, and the latest value.</summary>
    private async Task<string?> StateAsync(string path)
    {
        var detail = await client.DetailAsync(path);
        if (detail is null)
            return null;
        var versions = detail["versions"]!.AsArray()
            .Select(v => $"{v!["version"]}:{(v["destroyed"]!.GetValue<bool>() ? "destroyed" : v["deletionTime"] is null ? "live" : "deleted")}");
        var custom = detail["customMetadata"]!.AsObject().OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}={c.Value}");
        var value = await client.ReadValueAsync(path);
        return $"current={detail["currentVersion"]} versions=[{string.Join(',', versions)}] custom=[{string.Join(',', custom)}] latest={value?.ToJsonString()}";
    }

    private async Task<Dictionary<string, string?>> StatesAsync(IEnumerable<string> paths)
    {
        var states = new Dictionary<string, string?>();
        foreach (var path in paths)
            states[path] = await StateAsync(path);
        return states;
    }

    [Fact]
    public async Task Backup_wipe_restore_reproduces_every_paths_latest_data_version_history_and_custom_metadata()
    {
        var paths = await SeedAsync();
        var before = await StatesAsync(paths);
        before[paths[0]]!.ShouldContain("versions=[1:live,2:live,3:live]");
        before[paths[1]]!.ShouldContain("versions=[1:destroyed,2:live]");
        before[paths[2]]!.ShouldContain("owner=team-payments");
        before[paths[3]]!.ShouldContain("versions=[1:live,2:deleted]");
        before[paths[3]]!.ShouldEndWith("latest=");   // its latest version is soft-deleted: nothing to read

        using var response = await client.PostJsonAsync(Archives.Backup, new { prefix = Prefix });
        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        response.Headers.GetValues("X-Backup-Paths").Single().ShouldBe("4");
        response.Content.Headers.ContentDisposition!.FileName!.Trim('"').ShouldStartWith("backup-secret-");
        var archive = await response.Content.ReadAsByteArrayAsync();
        archive.AsSpan(0, 8).SequenceEqual("SPBACKUP"u8).ShouldBeTrue();
        Archives.Frames(archive).Count.ShouldBe(5);   // one per path and the trailer

        await WipeAsync(paths);
        (await StatesAsync(paths)).Values.ShouldAllBe(s => s == null);

        var restored = await (await client.RestoreAsync(archive, dryRun: false)).ActionsAsync();

        restored.Keys.ShouldBe(paths.Order(StringComparer.Ordinal));   // in the archive's (sorted) order
        restored.Values.ShouldAllBe(a => a == "create");
        var after = await StatesAsync(paths);
        foreach (var path in paths)
            after[path].ShouldBe(before[path], path);
    }

    [Fact]
    public async Task Dry_run_reports_create_update_and_unchanged_and_changes_nothing()
    {
        var paths = await SeedAsync();
        var archive = await client.BackupAsync(Prefix);

        // nothing changed since the backup: every path unchanged
        (await (await client.RestoreAsync(archive, dryRun: true)).ActionsAsync()).Values.ShouldAllBe(a => a == "unchanged");

        await WipeAsync([paths[0]]);
        await Ok(client.PostJsonAsync("/api/secrets", new { uri = paths[2], value = new { k = "changed-after-the-backup" } }));
        var before = await StatesAsync(paths);

        var report = await client.RestoreAsync(archive, dryRun: true);
        var body = await report.ShouldBeOkJsonAsync();
        body["dryRun"]!.GetValue<bool>().ShouldBeTrue();
        (body["created"]!.GetValue<int>(), body["updated"]!.GetValue<int>(), body["unchanged"]!.GetValue<int>()).ShouldBe((1, 1, 2));
        var actions = body["results"]!.AsArray().ToDictionary(r => r!["uri"]!.GetValue<string>(), r => r!["action"]!.GetValue<string>());
        actions[paths[0]].ShouldBe("create");
        actions[paths[2]].ShouldBe("update");
        actions[paths[1]].ShouldBe("unchanged");
        actions[paths[3]].ShouldBe("unchanged");
        (await StatesAsync(paths)).ShouldBe(before);   // the dry run wrote nothing

        var applied = await (await client.RestoreAsync(archive, dryRun: false)).ActionsAsync();
        (applied[paths[0]], applied[paths[2]], applied[paths[1]]).ShouldBe(("create", "update", "unchanged"));
        (await client.ReadValueAsync(paths[2]))!["k"]!.GetValue<string>().ShouldBe("v-owned");   // the archive's latest, as a new version
        (await client.DetailAsync(paths[2]))!["currentVersion"]!.GetValue<int>().ShouldBe(3);
        (await (await client.RestoreAsync(archive, dryRun: true)).ActionsAsync()).Values.ShouldAllBe(a => a == "unchanged");
    }

    public static TheoryData<string> Tampering() => ["flipped byte in a frame", "dropped frame", "truncated tail", "trailer dropped",
        "frames swapped", "frame repeated", "bytes appended", "header edited", "not an archive", "empty"];

    [Theory]
    [MemberData(nameof(Tampering))]
    public async Task A_tampered_or_cut_archive_is_400_BACKUP_ARCHIVE_INVALID_and_nothing_is_written(string how)
    {
        var paths = await SeedAsync();
        var archive = await client.BackupAsync(Prefix);
        await WipeAsync(paths);
        var frames = Archives.Frames(archive);
        var bad = how switch
        {
            "flipped byte in a frame" => Archives.WithFlippedByte(archive, frames[2].Offset + frames[2].Length / 2),
            "dropped frame" => Archives.WithoutFrame(archive, 1),
            "truncated tail" => archive[..^7],
            "trailer dropped" => archive[..frames[^1].Offset],
            "frames swapped" => [.. archive.AsSpan(0, frames[0].Offset), .. archive.AsSpan(frames[1].Offset, frames[1].Length),
                .. archive.AsSpan(frames[0].Offset, frames[0].Length), .. archive.AsSpan(frames[2].Offset)],
            "frame repeated" => [.. archive.AsSpan(0, frames[1].Offset), .. archive.AsSpan(frames[0].Offset, frames[0].Length),
                .. archive.AsSpan(frames[1].Offset)],
            "bytes appended" => [.. archive, 0, 0, 0, 0],
            "header edited" => Archives.WithFlippedByte(archive, 20),
            "not an archive" => "{\"prefix\":\"x\"}"u8.ToArray(),
            _ => [],
        };

        foreach (var dryRun in new[] { false, true })
        {
            var correlation = "tamper-" + Guid.NewGuid().ToString("N");
            await (await client.RestoreAsync(bad, dryRun, correlation)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "BACKUP_ARCHIVE_INVALID");
            (await client.AuditOfAsync(correlation)).ShouldBeRequestRefusal("SECRET_RESTORED", "BACKUP_ARCHIVE_INVALID");
        }
        (await StatesAsync(paths)).Values.ShouldAllBe(s => s == null);
    }

    [Fact]
    public async Task An_archive_made_with_another_key_is_400_BACKUP_KEY_MISMATCH_and_nothing_is_written()
    {
        var paths = await SeedAsync();
        var archive = await client.BackupAsync(Prefix);
        using var other = new SecretsHostFactory(new Dictionary<string, string?> { ["BACKUP_KEY"] = Archives.NewKey() });
        var otherClient = other.CreateClient();

        await (await otherClient.RestoreAsync(archive, dryRun: false)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "BACKUP_KEY_MISMATCH");

        foreach (var path in paths)
            (await otherClient.DetailAsync(path)).ShouldBeNull();
    }

    [Fact]
    public async Task An_archive_whose_key_id_was_forged_still_fails_authentication_with_another_key()
    {
        var paths = await SeedAsync();
        var archive = await client.BackupAsync(Prefix);
        var otherKey = Archives.NewKey();
        using var other = new SecretsHostFactory(new Dictionary<string, string?> { ["BACKUP_KEY"] = otherKey });
        var otherClient = other.CreateClient();
        var forged = ForgeKeyId(archive, await KeyIdOfAsync(otherClient));

        await (await otherClient.RestoreAsync(forged, dryRun: false)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "BACKUP_ARCHIVE_INVALID");

        foreach (var path in paths)
            (await otherClient.DetailAsync(path)).ShouldBeNull();
    }

    /// <summary>The key id a host writes: the header of an (empty) backup of its own.</summary>
    private static async Task<string> KeyIdOfAsync(HttpClient of)
    {
        var archive = await of.BackupAsync("openbao+kv2://secret/nothing-here-" + Guid.NewGuid().ToString("N")[..6] + "/*");
        return HeaderJson(archive)["key_id"]!.GetValue<string>();
    }

    private static JsonNode HeaderJson(byte[] archive)
    {
        var length = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(archive.AsSpan(10));
        return JsonNode.Parse(archive.AsSpan(14, length))!;
    }

    /// <summary>The archive with its header's key id replaced (same length, so the frames stay where they are).</summary>
    private static byte[] ForgeKeyId(byte[] archive, string keyId)
    {
        var text = System.Text.Encoding.UTF8.GetString(archive);
        var original = HeaderJson(archive)["key_id"]!.GetValue<string>();
        var at = text.IndexOf(original, StringComparison.Ordinal);
        var copy = (byte[])archive.Clone();
        System.Text.Encoding.ASCII.GetBytes(keyId).CopyTo(copy, at);
        return copy;
    }

    [Fact]
    public async Task Restore_without_an_octet_stream_body_is_415_and_unknown_query_parameters_are_400()
    {
        await (await client.PostJsonAsync(Archives.Restore, new { prefix = Prefix })).ShouldBeProblemAsync(HttpStatusCode.UnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE");
        var request = new HttpRequestMessage(HttpMethod.Post, Archives.Restore + "?dry_run=maybe")
        {
            Content = new ByteArrayContent([1, 2, 3]) { Headers = { ContentType = new("application/octet-stream") } },
        };
        await (await client.SendAsync(request)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "INVALID_REQUEST");
    }

    [Fact]
    public async Task Backup_request_with_an_unknown_field_or_no_prefix_is_400_and_a_fragment_is_refused()
    {
        await (await client.PostJsonAsync(Archives.Backup, new { prefix = Prefix, extra = 1 })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "INVALID_REQUEST");
        await (await client.PostJsonAsync(Archives.Backup, new { })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "INVALID_REQUEST");
        await (await client.PostJsonAsync(Archives.Backup, new { prefix = root + "/app#k" })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "FRAGMENT_NOT_ALLOWED");
        await (await client.PostJsonAsync(Archives.Backup, new { prefix = "openbao+kv2://other/*" })).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "TENANT_MOUNT_MISMATCH");
    }

    [Fact]
    public async Task Backup_and_restore_are_audited_once_for_the_backup_with_its_count_and_once_per_restored_path()
    {
        var paths = await SeedAsync();
        var backupId = "backup-" + Guid.NewGuid().ToString("N");
        using var response = await client.PostAsync(Archives.Backup, new { prefix = Prefix }, backupId);
        var archive = await response.Content.ReadAsByteArrayAsync();

        var backupRecord = (await client.AuditOfAsync(backupId)).ShouldHaveSingleItem();
        var text = backupRecord.ToJsonString();
        (backupRecord.Str("event_type"), backupRecord.Str("effect"), backupRecord.Str("purpose")).ShouldBe(("SECRET_BACKED_UP", "success", "backup"), text);
        backupRecord.Str("resource_ref").ShouldBe(Api.ResourceRef(Prefix), text);
        backupRecord["item_count"]!.GetValue<int>().ShouldBe(4, text);
        backupRecord.Str("decision_id")!.ShouldStartWith("dec_", Case.Sensitive, text);

        await WipeAsync(paths);
        var restoreId = "restore-" + Guid.NewGuid().ToString("N");
        await (await client.RestoreAsync(archive, dryRun: false, restoreId)).ActionsAsync();

        var records = await client.AuditOfAsync(restoreId);
        records.Select(r => r.Str("resource_ref")).ShouldBe(paths.Order(StringComparer.Ordinal).Select(Api.ResourceRef));
        records.ShouldAllBe(r => r.Str("event_type") == "SECRET_RESTORED" && r.Str("effect") == "success" && r.Str("purpose") == "restore");
        records.ShouldAllBe(r => r["kv_version"] != null);
    }

    [Fact]
    public async Task No_value_reaches_the_audit_stream_the_logs_or_a_problem_body()
    {
        var canary = Canary.New();
        var paths = await SeedAsync(canary);
        var archive = await client.BackupAsync(Prefix);
        await WipeAsync(paths);
        var bodies = new List<string>();
        foreach (var bad in new[] { Archives.WithoutFrame(archive, 1), archive[..^3], Archives.WithFlippedByte(archive, archive.Length - 40) })
        {
            using var refused = await client.RestoreAsync(bad, dryRun: false);
            bodies.Add(await refused.Content.ReadAsStringAsync());
        }
        using var report = await client.RestoreAsync(archive, dryRun: false);
        bodies.Add(await report.Content.ReadAsStringAsync());
        using var dry = await client.RestoreAsync(archive, dryRun: true);
        bodies.Add(await dry.Content.ReadAsStringAsync());

        foreach (var body in bodies)
            body.ShouldNotContainCanary(canary, "a restore answer");
        System.Text.Encoding.UTF8.GetString(archive).ShouldNotContainCanary(canary, "the archive (it is encrypted)");
        foreach (var record in await AuditProbe.EventsAsync(client))
            record.ToJsonString().ShouldNotContainCanary(canary, "an audit record");
        host.Logs.AllText().ShouldNotContainCanary(canary, "the log");
        (await client.ReadValueAsync(paths[0]))!["password"]!.GetValue<string>().ShouldBe($"{canary}-db-3");   // the canary was there to leak
    }

    [Fact]
    public async Task A_yaml_backup_restores_onto_openbao_as_one_version_per_path()
    {
        var archive = await client.BackupAsync("yaml://secret/*");
        var request = new HttpRequestMessage(HttpMethod.Post, Archives.Restore + "?dry_run=false&provider=openbao%2Bkv2")
        {
            Content = new ByteArrayContent(archive) { Headers = { ContentType = new("application/octet-stream") } },
        };

        var actions = await (await client.SendAsync(request)).ActionsAsync();

        actions.ShouldBe(new Dictionary<string, string>
        {
            ["openbao+kv2://secret/app/db"] = "create",
            ["openbao+kv2://secret/env"] = "create",
        }, ignoreOrder: true);
        (await client.ReadValueAsync("openbao+kv2://secret/env"))!["MY_API_KEY"]!.GetValue<string>().ShouldBe("dev-api-key");
        (await client.ReadValueAsync("openbao+kv2://secret/app/db"))!["password"]!.GetValue<string>().ShouldBe("db-password");
        (await client.DetailAsync("openbao+kv2://secret/env"))!["versions"]!.AsArray().Count.ShouldBe(1);
    }

    [Fact]
    public async Task An_archive_of_an_empty_prefix_restores_nothing_and_is_audited_as_one_use_of_its_prefix()
    {
        var archive = await client.BackupAsync(Prefix);   // nothing was written under it
        Archives.Frames(archive).Count.ShouldBe(1);   // the trailer alone
        var correlation = "empty-" + Guid.NewGuid().ToString("N");

        var body = await (await client.RestoreAsync(archive, dryRun: false, correlation)).ShouldBeOkJsonAsync();

        (body["paths"]!.GetValue<int>(), body["results"]!.AsArray().Count).ShouldBe((0, 0));
        var record = (await client.AuditOfAsync(correlation)).ShouldHaveSingleItem();
        (record.Str("event_type"), record.Str("effect"), record.Str("resource_ref")).ShouldBe(("SECRET_RESTORED", "success", Api.ResourceRef(Prefix)));
        host.Logs.AllText().ShouldNotContain("answered without reporting an outcome");
    }
}
