using Secrets.Providers.Kv;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Tests.Kv.Kv2;

/// <summary>
/// The KVv2 store on the rules OpenBao applies and the contract suite does not reach: check-and-set required by a
/// mount, metadata check-and-set (OpenBao 2.4 on), and versions scheduled for deletion by <c>delete_version_after</c>.
/// Run against the embedded dev server, which answers these as OpenBao does (docs/CONFORMANCE.md); each test gets a
/// mount of its own.
/// </summary>
public sealed class Kv2StoreTests(EmbeddedKv2StoreTests.Server server) : IClassFixture<EmbeddedKv2StoreTests.Server>
{
    private static readonly CancellationToken Ct = CancellationToken.None;

    private IKvStore Store => server.Kv2.Store;

    /// <summary>A fresh KV v2 mount with <paramref name="config"/> (a JSON object for <c>&lt;mount&gt;/config</c>).</summary>
    private async Task<string> MountAsync(string config)
    {
        var mount = "kv" + Guid.NewGuid().ToString("N")[..12];
        (await server.Kv2.SendAsync(HttpMethod.Post, $"sys/mounts/{mount}", """{"type":"kv","options":{"version":"2"}}""")).Status.ShouldBe(204);
        (await server.Kv2.SendAsync(HttpMethod.Post, $"{mount}/config", config)).Status.ShouldBe(204);
        return mount;
    }

    private static Dictionary<string, string> Custom(params (string Key, string Value)[] entries) =>
        entries.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);

    [Fact]
    public async Task A_write_without_cas_where_the_mount_requires_it_is_428_CAS_REQUIRED_and_writes_nothing()
    {
        var path = new KvPath(await MountAsync("""{"cas_required":true}"""), "app/db");

        var problem = await Should.ThrowAsync<SecretsProblem>(() => Store.WriteAsync(path, SecretMap.Of("k", "v"), null, Ct));

        problem.Code.ShouldBe(ErrorCode.CasRequired);
        problem.Status.ShouldBe(428);
        (await Store.ReadMetadataAsync(path, Ct)).ShouldBeNull();
        (await Store.WriteAsync(path, SecretMap.Of("k", "v"), 0, Ct)).ShouldBe(1);   // with cas it lands
        (await Store.UpdateAsync(path, m => m!.With("k2", SecretValue.Of("v2")), Ct)).ShouldBe(2);   // a key update sends cas itself
    }

    [Fact]
    public async Task A_stale_cas_where_the_mount_requires_cas_is_still_CAS_MISMATCH()
    {
        var path = new KvPath(await MountAsync("""{"cas_required":true}"""), "app/db");
        await Store.WriteAsync(path, SecretMap.Of("k", "v1"), 0, Ct);

        var problem = await Should.ThrowAsync<SecretsProblem>(() => Store.WriteAsync(path, SecretMap.Of("k", "v2"), 0, Ct));

        problem.Code.ShouldBe(ErrorCode.CasMismatch);
        (await Store.ReadAsync(path, null, Ct))!.Version.ShouldBe(1);
    }

    [Fact]
    public async Task Custom_metadata_is_written_on_a_mount_that_requires_metadata_cas_for_new_and_existing_keys()
    {
        var mount = await MountAsync("""{"metadata_cas_required":true}""");
        var existing = new KvPath(mount, "app/db");
        var fresh = new KvPath(mount, "app/no-data-yet");
        await Store.WriteAsync(existing, SecretMap.Of("k", "v"), null, Ct);   // data writes are not guarded by metadata cas

        await Store.WriteCustomMetadataAsync(existing, Custom(("owner", "team-a")), Ct);
        await Store.UpdateCustomMetadataAsync(existing, c => new Dictionary<string, string>(c) { ["note"] = "n" }, Ct);
        await Store.WriteCustomMetadataAsync(fresh, Custom(("owner", "team-b")), Ct);

        (await Store.ReadMetadataAsync(existing, Ct))!.CustomMetadata.ShouldBe(Custom(("owner", "team-a"), ("note", "n")), ignoreOrder: true);
        (await Store.ReadMetadataAsync(fresh, Ct))!.CustomMetadata.ShouldBe(Custom(("owner", "team-b")));
        var (_, body) = await server.Kv2.SendAsync(HttpMethod.Get, $"{mount}/metadata/app/db");
        body.ShouldContain("\"current_metadata_version\":2");   // two checked writes, each counted once
    }

    [Fact]
    public async Task A_metadata_writer_in_between_is_noticed_and_the_change_is_applied_again_to_a_fresh_read()
    {
        var path = new KvPath("secret", "app/meta-race-" + Guid.NewGuid().ToString("N")[..8]);
        await Store.WriteAsync(path, SecretMap.Of("k", "v"), null, Ct);
        var seen = new List<IReadOnlyDictionary<string, string>>();

        await Store.UpdateCustomMetadataAsync(path, current =>
        {
            seen.Add(current);
            if (seen.Count == 1)   // another process writes the metadata between this read and this write
            {
                server.Kv2.SendAsync(HttpMethod.Post, $"secret/metadata/{path.Path}", """{"custom_metadata":{"theirs":"t"}}""")
                    .GetAwaiter().GetResult().Status.ShouldBe(204);
            }
            return new Dictionary<string, string>(current) { ["mine"] = "m" };
        }, Ct);

        seen.Count.ShouldBe(2);
        seen[1].ShouldBe(Custom(("theirs", "t")));
        (await Store.ReadMetadataAsync(path, Ct))!.CustomMetadata.ShouldBe(Custom(("theirs", "t"), ("mine", "m")), ignoreOrder: true);
    }

    [Fact]
    public async Task An_update_that_changes_nothing_writes_no_metadata()
    {
        var path = new KvPath("secret", "app/meta-same-" + Guid.NewGuid().ToString("N")[..8]);
        await Store.WriteAsync(path, SecretMap.Of("k", "v"), null, Ct);
        await Store.WriteCustomMetadataAsync(path, Custom(("owner", "a")), Ct);

        await Store.UpdateCustomMetadataAsync(path, _ => null, Ct);

        var (_, body) = await server.Kv2.SendAsync(HttpMethod.Get, $"secret/metadata/{path.Path}");
        body.ShouldContain("\"current_metadata_version\":1");
    }

    [Fact]
    public async Task Delete_of_a_secret_whose_versions_are_scheduled_for_deletion_deletes_the_latest()
    {
        var path = new KvPath(await MountAsync("""{"delete_version_after":"1h"}"""), "app/db");
        await Store.WriteAsync(path, SecretMap.Of("k", "v1"), null, Ct);
        await Store.WriteAsync(path, SecretMap.Of("k", "v2"), null, Ct);
        var scheduled = (await Store.ReadMetadataAsync(path, Ct))!.Versions[1].DeletionTime;
        scheduled.ShouldNotBeNull();
        scheduled.Value.ShouldBeGreaterThan(DateTimeOffset.UtcNow.AddMinutes(59));   // every live version carries one

        (await Store.DeleteAsync(path, null, Ct)).ShouldBeTrue();

        (await Store.ReadAsync(path, null, Ct)).ShouldBeNull();
        var deleted = (await Store.ReadMetadataAsync(path, Ct))!.Versions[1].DeletionTime;
        deleted.ShouldNotBeNull();
        deleted.Value.ShouldBeLessThanOrEqualTo(DateTimeOffset.UtcNow);
        (await Store.ReadAsync(path, 1, Ct))!.Data.Entries["k"].ShouldBe(SecretValue.Of("v1"));   // only the latest went
        (await Store.DeleteAsync(path, null, Ct)).ShouldBeFalse();   // already deleted: nothing left to delete
    }
}
