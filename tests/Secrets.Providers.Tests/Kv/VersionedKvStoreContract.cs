using Secrets.Providers.Kv;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Tests.Kv;

/// <summary>
/// What a versioned store (KVv2: OpenBao, HashiCorp Vault, the embedded dev server) adds to the
/// contract: versions, pinned reads, check-and-set, soft delete / undelete / destroy, destroy all,
/// <c>max_versions</c> and custom metadata (docs/PROVIDERS.md). Stores without versions never inherit these.
/// </summary>
public abstract class VersionedKvStoreContract : KvStoreContract
{
    /// <summary>Sets the path's <c>max_versions</c> through the server's raw HTTP API (the store has no call for it).</summary>
    protected abstract Task ConfigureMaxVersionsAsync(string path, int maxVersions);

    /// <summary>On a versioned store a soft-deleted secret is still listed (its metadata remains): destroy it all.</summary>
    private protected override async Task DeleteCompletelyAsync(IKvStore store, KvPath path) =>
        (await store.DestroyAllAsync(path, Ct)).ShouldBeTrue();

    private async Task<(IKvStore Store, KvPath Path)> WithVersionsAsync(int count, string name = "app/db")
    {
        var store = await CreateStoreAsync();
        var path = Unique(name);
        for (var i = 1; i <= count; i++)
            (await store.WriteAsync(path, SecretMap.Of("k", $"v{i}"), null, Ct)).ShouldBe(i);
        return (store, path);
    }

    private static async Task<ErrorCode> ProblemOf(Func<Task> call) => (await Should.ThrowAsync<SecretsProblem>(call)).Code;

    // ---- versions and pinned reads ---------------------------------------------------------

    [ContractFact]
    public async Task Each_write_and_fragment_update_creates_the_next_version()
    {
        var (store, path) = await WithVersionsAsync(3);

        (await store.UpdateAsync(path, m => m!.With("extra", SecretValue.Of("x")), Ct)).ShouldBe(4);

        var latest = (await store.ReadAsync(path, null, Ct))!;
        latest.Version.ShouldBe(4);
        (await store.ReadMetadataAsync(path, Ct))!.CurrentVersion.ShouldBe(4);
    }

    [ContractFact]
    public async Task Pinned_reads_return_the_current_and_older_versions()
    {
        var (store, path) = await WithVersionsAsync(3);

        var current = (await store.ReadAsync(path, 3, Ct))!;
        var first = (await store.ReadAsync(path, 1, Ct))!;
        var second = (await store.ReadAsync(path, 2, Ct))!;

        current.Version.ShouldBe(3);
        current.Data.Entries["k"].ShouldBe(SecretValue.Of("v3"));
        first.Version.ShouldBe(1);
        first.Data.Entries["k"].ShouldBe(SecretValue.Of("v1"));
        second.Data.Entries["k"].ShouldBe(SecretValue.Of("v2"));
    }

    [ContractFact]
    public async Task Pinned_read_of_a_soft_deleted_version_is_VERSION_DELETED()
    {
        var (store, path) = await WithVersionsAsync(2);

        (await store.DeleteAsync(path, [1], Ct)).ShouldBeTrue();

        (await ProblemOf(() => store.ReadAsync(path, 1, Ct))).ShouldBe(ErrorCode.VersionDeleted);
        (await store.ReadAsync(path, null, Ct))!.Version.ShouldBe(2);   // the latest is untouched
    }

    [ContractFact]
    public async Task Deleting_the_latest_hides_the_path_but_older_versions_stay_readable_by_pin()
    {
        var (store, path) = await WithVersionsAsync(2);

        (await store.DeleteAsync(path, null, Ct)).ShouldBeTrue();

        (await store.ReadAsync(path, null, Ct)).ShouldBeNull();
        (await ProblemOf(() => store.ReadAsync(path, 2, Ct))).ShouldBe(ErrorCode.VersionDeleted);
        (await store.ReadAsync(path, 1, Ct))!.Data.Entries["k"].ShouldBe(SecretValue.Of("v1"));
        (await store.DeleteAsync(path, null, Ct)).ShouldBeFalse();
    }

    [ContractFact]
    public async Task A_write_after_a_soft_delete_continues_the_version_sequence()
    {
        var (store, path) = await WithVersionsAsync(2);
        await store.DeleteAsync(path, null, Ct);

        (await store.WriteAsync(path, SecretMap.Of("k", "v3"), null, Ct)).ShouldBe(3);
        (await store.UpdateAsync(path, m => m!.With("f", SecretValue.Of("x")), Ct)).ShouldBe(4);

        (await store.ReadAsync(path, null, Ct))!.Data.ShouldBe(SecretMap.Of("k", "v3").With("f", SecretValue.Of("x")));
    }

    [ContractFact]
    public async Task Pinned_read_of_a_destroyed_version_is_VERSION_DESTROYED()
    {
        var (store, path) = await WithVersionsAsync(2);

        await store.DestroyAsync(path, [1], Ct);

        (await ProblemOf(() => store.ReadAsync(path, 1, Ct))).ShouldBe(ErrorCode.VersionDestroyed);
        (await store.ReadAsync(path, 2, Ct))!.Data.Entries["k"].ShouldBe(SecretValue.Of("v2"));
    }

    [ContractFact]
    public async Task Pinned_read_beyond_the_current_version_is_null()
    {
        var (store, path) = await WithVersionsAsync(2);

        (await store.ReadAsync(path, 3, Ct)).ShouldBeNull();
        (await store.ReadAsync(path, 99, Ct)).ShouldBeNull();
    }

    // ---- check-and-set ----------------------------------------------------------------------

    [ContractFact]
    public async Task Cas_zero_creates_a_new_path_and_cas_equal_to_the_current_version_succeeds()
    {
        var store = await CreateStoreAsync();
        var path = Unique("app/cas");

        (await store.WriteAsync(path, SecretMap.Of("k", "v1"), 0, Ct)).ShouldBe(1);
        (await store.WriteAsync(path, SecretMap.Of("k", "v2"), 1, Ct)).ShouldBe(2);
        (await store.WriteAsync(path, SecretMap.Of("k", "v3"), 2, Ct)).ShouldBe(3);

        (await store.ReadAsync(path, null, Ct))!.Data.Entries["k"].ShouldBe(SecretValue.Of("v3"));
    }

    [ContractFact]
    public async Task Write_with_stale_cas_is_rejected_and_current_version_is_kept()
    {
        var store = await CreateStoreAsync();
        var path = Unique("app/cas");
        await store.WriteAsync(path, SecretMap.Of("k", "v1"), cas: 0, Ct);
        await store.WriteAsync(path, SecretMap.Of("k", "v2"), cas: 1, Ct);

        var stale = () => store.WriteAsync(path, SecretMap.Of("k", "v3"), cas: 1, Ct);

        (await stale.ShouldThrowAsync<SecretsProblem>()).Code.ShouldBe(ErrorCode.CasMismatch);
        var current = (await store.ReadAsync(path, null, Ct))!;
        current.Version.ShouldBe(2);
        current.Data.Entries["k"].ShouldBe(SecretValue.Of("v2"));
    }

    [ContractFact]
    public async Task Cas_zero_on_an_existing_path_and_cas_ahead_of_it_are_CAS_MISMATCH()
    {
        var (store, path) = await WithVersionsAsync(1);

        (await ProblemOf(() => store.WriteAsync(path, SecretMap.Of("k", "x"), 0, Ct))).ShouldBe(ErrorCode.CasMismatch);
        (await ProblemOf(() => store.WriteAsync(path, SecretMap.Of("k", "x"), 5, Ct))).ShouldBe(ErrorCode.CasMismatch);

        (await store.ReadMetadataAsync(path, Ct))!.CurrentVersion.ShouldBe(1);
        (await store.ReadAsync(path, null, Ct))!.Data.Entries["k"].ShouldBe(SecretValue.Of("v1"));
    }

    // ---- max_versions -----------------------------------------------------------------------

    [ContractFact]
    public async Task Max_versions_prunes_the_oldest_versions()
    {
        var store = await CreateStoreAsync();
        var path = Unique("app/pruned");
        await ConfigureMaxVersionsAsync(path.Path, 2);

        for (var i = 1; i <= 4; i++)
            (await store.WriteAsync(path, SecretMap.Of("k", $"v{i}"), null, Ct)).ShouldBe(i);

        var metadata = (await store.ReadMetadataAsync(path, Ct))!;
        metadata.CurrentVersion.ShouldBe(4);
        metadata.Versions.Select(v => v.Version).ShouldBe([3, 4]);
        (await store.ReadAsync(path, 1, Ct)).ShouldBeNull();
        (await store.ReadAsync(path, 2, Ct)).ShouldBeNull();
        (await store.ReadAsync(path, 3, Ct))!.Data.Entries["k"].ShouldBe(SecretValue.Of("v3"));
    }

    // ---- undelete, destroy, destroy all -----------------------------------------------------

    [ContractFact]
    public async Task Undelete_restores_exactly_the_given_versions()
    {
        var (store, path) = await WithVersionsAsync(3);
        await store.DeleteAsync(path, [1, 2, 3], Ct);

        await store.UndeleteAsync(path, [1, 3], Ct);

        (await store.ReadAsync(path, 1, Ct))!.Data.Entries["k"].ShouldBe(SecretValue.Of("v1"));
        (await ProblemOf(() => store.ReadAsync(path, 2, Ct))).ShouldBe(ErrorCode.VersionDeleted);
        (await store.ReadAsync(path, 3, Ct))!.Data.Entries["k"].ShouldBe(SecretValue.Of("v3"));
        (await store.ReadAsync(path, null, Ct))!.Version.ShouldBe(3);
        var versions = (await store.ReadMetadataAsync(path, Ct))!.Versions;
        versions.Single(v => v.Version == 1).DeletionTime.ShouldBeNull();
        versions.Single(v => v.Version == 2).DeletionTime.ShouldNotBeNull();
        versions.Single(v => v.Version == 3).DeletionTime.ShouldBeNull();
    }

    [ContractFact]
    public async Task Destroy_is_irreversible_undelete_does_not_bring_it_back()
    {
        var (store, path) = await WithVersionsAsync(2);
        await store.DeleteAsync(path, [1], Ct);
        await store.DestroyAsync(path, [1, 2], Ct);

        await store.UndeleteAsync(path, [1, 2], Ct);

        (await ProblemOf(() => store.ReadAsync(path, 1, Ct))).ShouldBe(ErrorCode.VersionDestroyed);
        (await ProblemOf(() => store.ReadAsync(path, 2, Ct))).ShouldBe(ErrorCode.VersionDestroyed);
        (await store.ReadAsync(path, null, Ct)).ShouldBeNull();
        (await store.ReadMetadataAsync(path, Ct))!.Versions.ShouldAllBe(v => v.Destroyed);
        (await store.DeleteAsync(path, null, Ct)).ShouldBeFalse();   // nothing live left to delete
    }

    [ContractFact]
    public async Task DestroyAll_removes_every_version_and_the_metadata()
    {
        var (store, path) = await WithVersionsAsync(3);
        await store.WriteCustomMetadataAsync(path, new Dictionary<string, string> { ["owner"] = "team-a" }, Ct);

        (await store.DestroyAllAsync(path, Ct)).ShouldBeTrue();

        (await store.ReadMetadataAsync(path, Ct)).ShouldBeNull();
        (await store.ReadAsync(path, null, Ct)).ShouldBeNull();
        for (var v = 1; v <= 3; v++)
            (await store.ReadAsync(path, v, Ct)).ShouldBeNull();
        (await store.DestroyAllAsync(path, Ct)).ShouldBeFalse();
        (await store.WriteAsync(path, SecretMap.Of("k", "again"), 0, Ct)).ShouldBe(1);   // the path starts afresh
        (await store.ReadMetadataAsync(path, Ct))!.CustomMetadata.ShouldBeEmpty();
    }

    [ContractFact]
    public async Task Undelete_and_destroy_of_a_path_never_written_are_SECRET_NOT_FOUND()
    {
        var store = await CreateStoreAsync();
        var path = Unique("never");

        (await ProblemOf(() => store.UndeleteAsync(path, [1], Ct))).ShouldBe(ErrorCode.SecretNotFound);
        (await ProblemOf(() => store.DestroyAsync(path, [1], Ct))).ShouldBe(ErrorCode.SecretNotFound);
        (await store.DestroyAllAsync(path, Ct)).ShouldBeFalse();
    }

    // ---- metadata ---------------------------------------------------------------------------

    [ContractFact]
    public async Task Metadata_lists_every_version_with_its_deletion_and_destroyed_state()
    {
        var (store, path) = await WithVersionsAsync(3);
        await store.DeleteAsync(path, [2], Ct);
        await store.DestroyAsync(path, [3], Ct);

        var metadata = (await store.ReadMetadataAsync(path, Ct))!;

        metadata.CurrentVersion.ShouldBe(3);
        metadata.CreatedTime.ShouldNotBeNull();
        metadata.UpdatedTime.ShouldNotBeNull();
        metadata.UpdatedTime.Value.ShouldBeGreaterThanOrEqualTo(metadata.CreatedTime.Value);
        metadata.Versions.Select(v => v.Version).ShouldBe([1, 2, 3]);
        metadata.Versions.ShouldAllBe(v => v.CreatedTime != null);
        var (v1, v2, v3) = (metadata.Versions[0], metadata.Versions[1], metadata.Versions[2]);
        (v1.DeletionTime, v1.Destroyed).ShouldBe((null, false));
        v2.DeletionTime.ShouldNotBeNull();
        v2.Destroyed.ShouldBeFalse();
        v3.Destroyed.ShouldBeTrue();
    }

    [ContractFact]
    public async Task Custom_metadata_round_trips_and_a_write_replaces_it()
    {
        var (store, path) = await WithVersionsAsync(1);
        var first = new Dictionary<string, string> { ["owner"] = "team-a", ["created_by"] = "alice", ["note"] = "żółć ✓" };

        await store.WriteCustomMetadataAsync(path, first, Ct);
        (await store.ReadMetadataAsync(path, Ct))!.CustomMetadata.ShouldBe(first, ignoreOrder: true);

        await store.WriteCustomMetadataAsync(path, new Dictionary<string, string> { ["owner"] = "team-b" }, Ct);
        var metadata = (await store.ReadMetadataAsync(path, Ct))!;
        metadata.CustomMetadata.ShouldBe(new Dictionary<string, string> { ["owner"] = "team-b" });
        metadata.CurrentVersion.ShouldBe(1);   // metadata writes create no version
        (await store.ReadAsync(path, null, Ct))!.Data.Entries["k"].ShouldBe(SecretValue.Of("v1"));
    }

    [ContractFact]
    public async Task Custom_metadata_with_65_keys_is_refused_as_PROVIDER_ERROR_and_nothing_is_stored()
    {
        var (store, path) = await WithVersionsAsync(1);
        var kept = new Dictionary<string, string> { ["owner"] = "team-a" };
        await store.WriteCustomMetadataAsync(path, kept, Ct);
        var tooMany = Enumerable.Range(0, 65).ToDictionary(i => $"k{i}", i => "v");

        // the provider answers 400; the client maps every non-CAS 4xx to 502 PROVIDER_ERROR
        (await ProblemOf(() => store.WriteCustomMetadataAsync(path, tooMany, Ct))).ShouldBe(ErrorCode.ProviderError);

        (await store.ReadMetadataAsync(path, Ct))!.CustomMetadata.ShouldBe(kept);
        var sixtyFour = Enumerable.Range(0, 64).ToDictionary(i => $"k{i}", i => "v");
        await store.WriteCustomMetadataAsync(path, sixtyFour, Ct);   // the limit itself is accepted
        (await store.ReadMetadataAsync(path, Ct))!.CustomMetadata.Count.ShouldBe(64);
    }

    [ContractFact]
    public async Task Custom_metadata_with_a_129_byte_key_is_refused_as_PROVIDER_ERROR_and_nothing_is_stored()
    {
        var (store, path) = await WithVersionsAsync(1);
        var kept = new Dictionary<string, string> { ["owner"] = "team-a" };
        await store.WriteCustomMetadataAsync(path, kept, Ct);

        (await ProblemOf(() => store.WriteCustomMetadataAsync(path,
            new Dictionary<string, string> { [new string('k', 129)] = "v", ["owner"] = "team-b" }, Ct))).ShouldBe(ErrorCode.ProviderError);

        (await store.ReadMetadataAsync(path, Ct))!.CustomMetadata.ShouldBe(kept);
        await store.WriteCustomMetadataAsync(path, new Dictionary<string, string> { [new string('k', 128)] = "v" }, Ct);
        (await store.ReadMetadataAsync(path, Ct))!.CustomMetadata.Keys.ShouldBe([new string('k', 128)]);
    }

    [ContractFact]
    public async Task Invalid_custom_metadata_on_a_path_never_written_creates_nothing()
    {
        var store = await CreateStoreAsync();
        var path = Unique("never");
        var tooMany = Enumerable.Range(0, 65).ToDictionary(i => $"k{i}", i => "v");

        (await ProblemOf(() => store.WriteCustomMetadataAsync(path, tooMany, Ct))).ShouldBe(ErrorCode.ProviderError);

        (await store.ReadMetadataAsync(path, Ct)).ShouldBeNull();
    }
}
