using System.Net;
using Secrets.Testing;
using static Secrets.Testing.HttpAssertions;

namespace Secrets.Providers.Tests.Kv.Kv2;

/// <summary>copy, move and bulk between KVv2 paths and between YAML and KVv2, against the embedded server.</summary>
public sealed class Kv2EndToEndRelocationTests(Kv2EndToEndHost host) : Kv2EndToEndTest(host), IClassFixture<Kv2EndToEndHost>
{
    [Fact]
    public async Task Copy_between_kv2_paths_writes_a_new_version_and_refuses_an_existing_destination()
    {
        var from = NewPath("copyfrom");
        var to = NewPath("copyto");
        await WriteAsync(Ob(from), new { k = "one" });
        await WriteAsync(Ob(from), new { k = "two", j = "jay" });

        var copy = await Client.PostJsonAsync("/api/secrets/copy", new { fromUri = Ob(from), toUri = Hc(to) });

        var body = await OkAsync(copy);
        Str(body["fromUri"]).ShouldBe(Ob(from));
        Str(body["toUri"]).ShouldBe(Hc(to));
        body["version"]!.GetValue<int>().ShouldBe(1);
        var stored = (await RawDataAsync(to)).Data["data"]!;
        Str(stored["k"]).ShouldBe("two");
        Str(stored["j"]).ShouldBe("jay");
        (await RawDataAsync(from)).Data["metadata"]!["version"]!.GetValue<int>().ShouldBe(2);
        var copied = await AuditedAsync(copy, "SECRET_COPIED", "success", "write");
        (KvVersion(copied), copied["source_kv_version"]!.GetValue<int>()).ShouldBe((1, 2));   // wrote version 1 from version 2
        Str((await RawMetadataAsync(to)).Data["custom_metadata"]!["created_by"]).ShouldBe("anonymous");

        var again = await Client.PostJsonAsync("/api/secrets/copy", new { fromUri = Ob(from), toUri = Ob(to) });
        await ProblemAsync(again, HttpStatusCode.Conflict, "DESTINATION_EXISTS");
        (await RawMetadataAsync(to)).Data["current_version"]!.GetValue<int>().ShouldBe(1);

        var overwrite = await OkAsync(await Client.PostJsonAsync("/api/secrets/copy", new { fromUri = Ob(from, "j"), toUri = Ob(to, "k"), overwrite = true }));
        overwrite["version"]!.GetValue<int>().ShouldBe(2);
        Str((await RawDataAsync(to)).Data["data"]!["k"]).ShouldBe("jay");
    }

    [Fact]
    public async Task Move_between_kv2_paths_soft_deletes_the_source_latest_version()
    {
        var from = NewPath("movefrom");
        var to = NewPath("moveto");
        await WriteAsync(Ob(from), new { k = "one" });

        var move = await Client.PostJsonAsync("/api/secrets/move", new { fromUri = Ob(from), toUri = Ob(to) });

        (await OkAsync(move))["version"]!.GetValue<int>().ShouldBe(1);
        Str((await RawDataAsync(to)).Data["data"]!["k"]).ShouldBe("one");
        Str((await RawMetadataAsync(from)).Data["versions"]!["1"]!["deletion_time"]).ShouldNotBeEmpty();
        await ProblemAsync(await ReadValueAsync(Ob(from, "k")), HttpStatusCode.NotFound, "SECRET_NOT_FOUND");
        var moved = await AuditedAsync(move, "SECRET_MOVED", "success", "write");
        (KvVersion(moved), Str(moved["source_uri"])).ShouldBe((1, Ob(from)));
    }

    [Fact]
    public async Task Copy_and_move_between_yaml_and_kv2_both_ways_and_409_on_existing_destinations()
    {
        var kv = NewPath("fromyaml");
        var copy = await Client.PostJsonAsync("/api/secrets/copy", new { fromUri = "yaml://secret/app/db", toUri = Ob(kv) });
        (await OkAsync(copy))["version"]!.GetValue<int>().ShouldBe(1);
        var stored = (await RawDataAsync(kv)).Data["data"]!;
        Str(stored["username"]).ShouldBe("app");
        Str(stored["password"]).ShouldBe("db-password");
        KvVersion(await AuditedAsync(copy, "SECRET_COPIED", "success", "write")).ShouldBe(1);

        await ProblemAsync(await Client.PostJsonAsync("/api/secrets/copy", new { fromUri = "yaml://secret/app/db", toUri = Ob(kv) }),
            HttpStatusCode.Conflict, "DESTINATION_EXISTS");
        await ProblemAsync(await Client.PostJsonAsync("/api/secrets/copy", new { fromUri = Ob(kv), toUri = "yaml://secret/app/db" }),
            HttpStatusCode.Conflict, "DESTINATION_EXISTS");
        await ProblemAsync(await Client.PostJsonAsync("/api/secrets/move", new { fromUri = Ob(kv, "username"), toUri = "yaml://secret/env#OTHER" }),
            HttpStatusCode.Conflict, "DESTINATION_EXISTS");
        (await RawMetadataAsync(kv)).Data["current_version"]!.GetValue<int>().ShouldBe(1);

        var yamlName = "fromkv" + Guid.NewGuid().ToString("N")[..8];
        var back = await Client.PostJsonAsync("/api/secrets/copy", new { fromUri = Ob(kv, "password"), toUri = $"yaml://secret/{yamlName}#pw" });
        (await OkAsync(back))["version"].ShouldBeNull();
        (await AuditedAsync(back, "SECRET_COPIED", "success", "write"))["source_kv_version"]!.GetValue<int>().ShouldBe(1);
        Str((await OkAsync(await Client.GetAsync($"/api/secrets?uri={Q($"yaml://secret/{yamlName}#pw")}")))["value"]).ShouldBe("db-password");

        // move KVv2 -> YAML soft-deletes the KVv2 source; YAML -> KVv2 removes the YAML source
        var moved = NewPath("moved");
        await OkAsync(await Client.PostJsonAsync("/api/secrets/move", new { fromUri = $"yaml://secret/{yamlName}", toUri = Ob(moved) }));
        Str((await RawDataAsync(moved)).Data["data"]!["pw"]).ShouldBe("db-password");
        await ProblemAsync(await Client.GetAsync($"/api/secrets?uri={Q($"yaml://secret/{yamlName}")}"), HttpStatusCode.NotFound, "SECRET_NOT_FOUND");
        await OkAsync(await Client.PostJsonAsync("/api/secrets/move", new { fromUri = Ob(moved), toUri = $"yaml://secret/{yamlName}" }));
        Str((await RawMetadataAsync(moved)).Data["versions"]!["1"]!["deletion_time"]).ShouldNotBeEmpty();
        (await File.ReadAllTextAsync(Host.YamlPath)).ShouldContain(yamlName);
    }

    [Fact]
    public async Task Bulk_runs_kv2_set_delete_undelete_destroy_and_rotate_in_order()
    {
        var path = NewPath("bulk");
        var response = await Client.PostJsonAsync("/api/secrets/bulk", new
        {
            operations = new object[]
            {
                new { op = "set", uri = Ob(path), value = new { k = "v1" } },
                new { op = "set", uri = Ob(path, "k"), value = "v2" },
                new { op = "delete", uri = Ob(path) },
                new { op = "undelete", uri = Ob(path), versions = new[] { 2 } },
                new { op = "destroy", uri = Ob(path), versions = new[] { 1 } },
                new { op = "rotate", uri = Ob(path, "k"), value = "v3" },
            },
            continueOnError = false,
        });

        var body = await OkAsync(response);
        body["failed"]!.GetValue<int>().ShouldBe(0, body.ToJsonString());
        body["succeeded"]!.GetValue<int>().ShouldBe(6);
        body["stoppedAt"].ShouldBeNull();
        var results = body["results"]!.AsArray().Select(r => r!).ToList();
        results.Select(r => r["status"]!.GetValue<int>()).ShouldBe([200, 200, 204, 204, 204, 200]);
        results.Select(r => r["version"]?.GetValue<int>()).ShouldBe([1, 2, null, null, null, 3]);
        var raw = (await RawMetadataAsync(path)).Data;
        raw["current_version"]!.GetValue<int>().ShouldBe(3);
        raw["versions"]!["1"]!["destroyed"]!.GetValue<bool>().ShouldBeTrue();
        Str(raw["versions"]!["2"]!["deletion_time"]).ShouldBeEmpty();
        Str((await RawDataAsync(path, 2)).Data["data"]!["k"]).ShouldBe("v2");
        var events = await AuditAsync(response);
        events.Select(e => Str(e["event_type"])).Order().ShouldBe(
            new[] { "SECRET_WRITTEN", "SECRET_WRITTEN", "SECRET_DELETED", "SECRET_UNDELETED", "SECRET_DESTROYED", "SECRET_ROTATED" }.Order());
        events.ShouldAllBe(e => Str(e["effect"]) == "success");
        KvVersion(events.Single(e => Str(e["event_type"]) == "SECRET_ROTATED")).ShouldBe(3);

        var destroyAll = await OkAsync(await Client.PostJsonAsync("/api/secrets/bulk", new
        {
            operations = new object[] { new { op = "destroy", uri = Ob(path) }, new { op = "undelete", uri = Ob(path), versions = new[] { 3 } } },
            continueOnError = true,
        }));
        destroyAll["results"]![0]!["status"]!.GetValue<int>().ShouldBe(204);
        Str(destroyAll["results"]![1]!["code"]).ShouldBe("SECRET_NOT_FOUND");
        (await RawMetadataAsync(path)).Status.ShouldBe(HttpStatusCode.NotFound);
    }
}
