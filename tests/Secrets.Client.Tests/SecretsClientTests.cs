using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Secrets.Client.Models;
using Secrets.Testing;

namespace Secrets.Client.Tests;

/// <summary>The typed client against a running host (Kestrel, real sockets), registered with <c>AddSecretsClient</c>.</summary>
public sealed class SecretsClientTests : IDisposable
{
    private const string Path = "openbao+kv2://secret/client/app";
    private readonly SecretsHostFactory host = new();
    private readonly ServiceProvider services;
    private readonly SecretsClient client;

    public SecretsClientTests()
    {
        host.OnKestrel();
        host.StartServer();
        services = new ServiceCollection().AddSecretsClient(o => o.BaseAddress = host.ClientOptions.BaseAddress).Services.BuildServiceProvider();
        client = services.GetRequiredService<SecretsClient>();
    }

    public void Dispose()
    {
        services.Dispose();
        host.Dispose();
    }

    [Fact]
    public async Task Write_read_rotate_rollback_and_versions_round_trip_through_the_typed_client()
    {
        var written = await client.WriteAsync(Path, JsonNode.Parse("""{"token":"t1","user":"u"}""")!);
        var rotated = await client.RotateAsync(Path + "#token", JsonValue.Create("t2"));
        var generated = await client.RotateGeneratedAsync(Path + "#token", new GenerateOptions(24, "hex"), returnValue: true);
        var rolledBack = await client.RollbackAsync(Path, 1);

        (written.Uri, written.Version).ShouldBe((Path, 1));
        rotated.Version.ShouldBe(2);
        generated.Version.ShouldBe(3);
        generated.Value!.GetValue<string>().ShouldMatch("^[0-9a-f]{24}$");
        rolledBack.Version.ShouldBe(4);
        (await client.ReadStringAsync(Path + "#token")).ShouldBe("t1");
        (await client.ReadStringAsync(Path + "#token", version: 3)).ShouldBe(generated.Value!.GetValue<string>());
        var versions = await client.VersionsAsync(Path);
        versions.CurrentVersion.ShouldBe(4);
        versions.Versions.Select(v => v.Version).ShouldBe([1, 2, 3, 4]);
    }

    [Fact]
    public async Task Metadata_keys_listing_search_and_owner_answer_typed()
    {
        await client.WriteAsync(Path, JsonNode.Parse("""{"token":"t1","user":"u"}""")!);

        var owner = await client.SetOwnerAsync(Path, "team-a");
        var detail = await client.MetadataAsync(Path);
        var keys = await client.KeysAsync("openbao+kv2://secret/client/*");
        var page = await client.ListMetadataAsync("openbao+kv2://secret/client/*");
        var hits = await client.SearchAsync("app", "openbao+kv2://secret/*");

        owner.Owner.ShouldBe("team-a");
        detail.CustomMetadata["owner"].ShouldBe("team-a");
        detail.Versions.ShouldHaveSingleItem().Version.ShouldBe(1);
        keys.Keys.ShouldBe(["app"]);
        page.Items.Select(i => i.Uri).ShouldContain(Path);
        page.Total.ShouldBe(1);
        hits.Items.Select(h => h.Uri).ShouldContain(Path);
    }

    [Fact]
    public async Task Delete_undelete_destroy_copy_move_and_bulk_change_what_is_stored()
    {
        await client.WriteAsync(Path, JsonNode.Parse("""{"k":"v1"}""")!);
        await client.WriteAsync(Path, JsonNode.Parse("""{"k":"v2"}""")!);

        await client.DeleteAsync(Path);
        (await Should.ThrowAsync<SecretsApiException>(() => client.ReadAsync(Path))).Code.ShouldBe("SECRET_NOT_FOUND");
        await client.UndeleteAsync(Path, [2]);
        (await client.ReadStringAsync(Path + "#k")).ShouldBe("v2");
        await client.DestroyVersionsAsync(Path, [1]);
        (await Should.ThrowAsync<SecretsApiException>(() => client.ReadAsync(Path, 1))).Code.ShouldBe("VERSION_DESTROYED");
        var copy = await client.CopyAsync(Path, Path + "-copy");
        var move = await client.MoveAsync(Path + "-copy", Path + "-moved");
        var bulk = await client.BulkAsync(
            [new BulkOperation("set", Path + "-bulk") { Value = JsonNode.Parse("""{"a":"b"}""") }, new BulkOperation("rollback", Path) { ToVersion = 9 }],
            continueOnError: true);

        (copy.ToUri, move.ToUri).ShouldBe((Path + "-copy", Path + "-moved"));
        (await client.ReadStringAsync(Path + "-moved#k")).ShouldBe("v2");
        bulk.Results.Select(r => (r.Op, r.Status, r.Code)).ShouldBe([("set", 200, null), ("rollback", 404, "SECRET_NOT_FOUND")]);
        await client.DeleteAsync(Path, destroy: true);
        (await Should.ThrowAsync<SecretsApiException>(() => client.VersionsAsync(Path))).Code.ShouldBe("SECRET_NOT_FOUND");
    }

    [Fact]
    public async Task A_problem_answer_is_a_typed_exception_with_code_status_and_correlation_id_and_no_value()
    {
        await client.WriteAsync(Path, JsonNode.Parse("""{"token":"canary-5f1c-client"}""")!);

        var missing = await Should.ThrowAsync<SecretsApiException>(() => client.ReadAsync(Path + "#nope"));
        var bad = await Should.ThrowAsync<SecretsApiException>(() => client.ReadAsync("yaml://secret/a//b"));

        (missing.Status, missing.Code).ShouldBe((HttpStatusCode.NotFound, "FRAGMENT_NOT_FOUND"));
        missing.CorrelationId.ShouldNotBeNullOrEmpty();
        missing.Message.ShouldContain(missing.CorrelationId!);
        (bad.Status, bad.Code).ShouldBe((HttpStatusCode.BadRequest, "ILLEGAL_SEGMENT"));
        missing.ToString().ShouldNotContain("canary-5f1c-client");
    }

    [Fact]
    public async Task Audit_and_audit_keys_are_read_as_json()
    {
        await client.WriteAsync(Path, JsonNode.Parse("""{"k":"v"}""")!);

        var audit = await client.AuditAsync(new Dictionary<string, string> { ["event_type"] = "SECRET_WRITTEN" });
        var keys = await client.AuditKeysAsync();

        audit["items"]!.AsArray().ShouldNotBeEmpty();
        keys["keys"]!.AsArray().ShouldNotBeEmpty();
    }
}
