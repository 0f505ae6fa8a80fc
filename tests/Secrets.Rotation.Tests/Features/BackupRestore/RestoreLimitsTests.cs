using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Secrets.Providers.Contracts;
using Secrets.Testing;

namespace Secrets.Rotation.Tests.Features.BackupRestore;

/// <summary>
/// A restore's body is limited by <c>BACKUP_MAX_BYTES</c>, not by the JSON limit (docs/CONFIGURATION.md#listing-and-limits);
/// paths the tenant may not use are refused one by one in the report, and nothing is written for them.
/// </summary>
public sealed class RestoreLimitsTests
{
    private readonly string key = Archives.NewKey();

    [Fact]
    public async Task An_archive_larger_than_the_json_limit_is_accepted_and_one_larger_than_BACKUP_MAX_BYTES_is_413()
    {
        using var host = new SecretsHostFactory(new Dictionary<string, string?>
        {
            ["BACKUP_KEY"] = key,
            ["MAX_REQUEST_BODY_BYTES"] = "1024",
            ["BACKUP_MAX_BYTES"] = "1048576",
        });
        var client = host.CreateClient();
        var root = "openbao+kv2://secret/limits-" + Guid.NewGuid().ToString("N")[..8];
        await (await client.PostJsonAsync("/api/secrets", new { uri = root + "/a", value = new { k = "v" } })).ShouldBeOkJsonAsync();
        var archive = await client.BackupAsync(root + "/*");
        var padded = new byte[2048];
        archive.CopyTo(padded, 0);   // over the JSON limit, under BACKUP_MAX_BYTES: read whole, then refused as not an archive

        (await (await client.RestoreAsync(archive, dryRun: true)).ActionsAsync()).Values.ShouldBe(["unchanged"]);
        await (await client.RestoreAsync(padded, dryRun: true)).ShouldBeProblemAsync(HttpStatusCode.BadRequest, "BACKUP_ARCHIVE_INVALID");
        await (await client.RestoreAsync(new byte[1048577], dryRun: true)).ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge, "PAYLOAD_TOO_LARGE");
        await (await client.PostRawAsync("/api/secrets", new string('x', 2048))).ShouldBeProblemAsync(HttpStatusCode.RequestEntityTooLarge, "PAYLOAD_TOO_LARGE");
    }

    [Fact]
    public async Task Paths_on_a_mount_the_tenant_may_not_use_are_refused_one_by_one_and_not_written()
    {
        byte[] archive;
        var root = "openbao+kv2://secret/t-" + Guid.NewGuid().ToString("N")[..8];
        using (var source = new SecretsHostFactory(new Dictionary<string, string?> { ["BACKUP_KEY"] = key }))
        {
            var sourceClient = source.CreateClient();
            await (await sourceClient.PostJsonAsync("/api/secrets", new { uri = root + "/a", value = new { k = "v" } })).ShouldBeOkJsonAsync();
            archive = await sourceClient.BackupAsync(root + "/*");
        }
        using var host = new SecretsHostFactory(new Dictionary<string, string?> { ["BACKUP_KEY"] = key, ["TENANT_ALLOWED_MOUNTS"] = "team" });

        var body = await (await host.CreateClient().RestoreAsync(archive, dryRun: false)).ShouldBeOkJsonAsync();

        body["failed"]!.GetValue<int>().ShouldBe(1);
        var result = body["results"]![0]!;
        (result["uri"]!.GetValue<string>(), result["status"]!.GetValue<int>(), result["code"]!.GetValue<string>())
            .ShouldBe((root + "/a", 400, "TENANT_MOUNT_MISMATCH"));
        result["action"].ShouldBeNull();
        var kv = host.Services.GetRequiredService<IInProcessKv2Server>();   // the provider itself: nothing arrived
        using var raw = new HttpClient { BaseAddress = kv.BaseAddress };
        raw.DefaultRequestHeaders.Add("X-Vault-Token", kv.RootToken);
        var path = root["openbao+kv2://secret/".Length..];
        (await raw.GetAsync($"v1/secret/data/{path}/a")).StatusCode.ShouldBe(HttpStatusCode.NotFound);
        (await raw.PostAsync($"v1/secret/data/{path}/control", new StringContent("""{"data":{"k":"v"}}""", System.Text.Encoding.UTF8, "application/json")))
            .EnsureSuccessStatusCode();
        (await raw.GetAsync($"v1/secret/data/{path}/control")).StatusCode.ShouldBe(HttpStatusCode.OK);   // the probe would see a write
    }
}
