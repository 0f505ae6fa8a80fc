using Secrets.Providers.Kv;
using Secrets.Providers.Kv.Yaml;
using Secrets.Shared.Kernel;

namespace Secrets.Providers.Tests.Kv.Yaml;

public sealed class YamlKvStoreTests : IDisposable
{
    private static readonly CancellationToken Ct = CancellationToken.None;
    private readonly string dir = Path.Combine(Path.GetTempPath(), "yaml-store-tests", Guid.NewGuid().ToString("N"));
    private readonly string path;

    public YamlKvStoreTests()
    {
        Directory.CreateDirectory(dir);
        path = Path.Combine(dir, "secrets.yaml");
        File.WriteAllText(path, """
            secret:
              app:
                db:
                  password: "pw"
                  port: 5432
                  tls: true
                  quoted_number: "123"
            """);
    }

    public void Dispose() => Directory.Delete(dir, recursive: true);

    private YamlKvStore Store(DeploymentProfile profile = DeploymentProfile.Dev, Action<string>? beforeCommit = null) =>
        new(new AtomicYamlFile(path, beforeCommit), profile);

    [Fact]
    public async Task Two_hundred_concurrent_writers_to_distinct_keys_all_land_and_the_file_stays_valid()
    {
        var store = Store();
        var samePath = new KvPath("secret", "app/many");

        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(() => i % 2 == 0
            ? store.UpdateAsync(samePath, m => (m ?? SecretMap.Empty).With($"k{i}", SecretValue.Of($"v{i}")), Ct)
            : store.WriteAsync(new KvPath("secret", $"app/path{i}"), SecretMap.Of("k", $"v{i}"), null, Ct))));

        var fresh = Store();   // a new reader parses the file from disk
        var many = (await fresh.ReadAsync(samePath, null, Ct))!.Data;
        many.Count.ShouldBe(100);
        for (var i = 0; i < 200; i += 2)
            many.TryGet($"k{i}", out var v).ShouldBeTrue();
        for (var i = 1; i < 200; i += 2)
            (await fresh.ReadAsync(new KvPath("secret", $"app/path{i}"), null, Ct))!.Data.Entries["k"].ShouldBe(SecretValue.Of($"v{i}"));
        (await fresh.ReadAsync(new KvPath("secret", "app/db"), null, Ct))!.Data.Entries["password"].ShouldBe(SecretValue.Of("pw"));
        Directory.GetFiles(dir).ShouldBe([path]);   // no temp files left behind
    }

    [Fact]
    public async Task A_write_that_fails_half_way_leaves_the_previous_file_intact()
    {
        var before = await File.ReadAllBytesAsync(path);
        var store = Store(beforeCommit: temp => throw new IOException("disk full (simulated after the temp file was written)"));

        var write = () => store.WriteAsync(new KvPath("secret", "app/db"), SecretMap.Of("password", "new"), null, Ct);

        await write.ShouldThrowAsync<IOException>();
        (await File.ReadAllBytesAsync(path)).ShouldBe(before);
        (await store.ReadAsync(new KvPath("secret", "app/db"), null, Ct))!.Data.Entries["password"].ShouldBe(SecretValue.Of("pw"));
        Directory.GetFiles(dir).ShouldBe([path]);
    }

    [Fact]
    public async Task External_edits_are_picked_up_by_the_next_read()
    {
        var store = Store();
        (await store.ReadAsync(new KvPath("secret", "app/db"), null, Ct)).ShouldNotBeNull();

        await File.WriteAllTextAsync(path, "secret:\n  app:\n    db:\n      password: \"edited-outside\"\n");
        File.SetLastWriteTimeUtc(path, DateTime.UtcNow.AddSeconds(5));

        (await store.ReadAsync(new KvPath("secret", "app/db"), null, Ct))!.Data.Entries["password"].ShouldBe(SecretValue.Of("edited-outside"));
    }

    [Fact]
    public async Task Writes_start_from_the_file_on_disk_so_external_edits_are_not_lost()
    {
        var store = Store();
        await store.ReadAsync(new KvPath("secret", "app/db"), null, Ct);
        await File.AppendAllTextAsync(path, "\n  extra:\n    k: \"added-outside\"\n");

        await store.WriteAsync(new KvPath("secret", "other"), SecretMap.Of("a", "b"), null, Ct);

        (await Store().ReadAsync(new KvPath("secret", "extra"), null, Ct))!.Data.Entries["k"].ShouldBe(SecretValue.Of("added-outside"));
    }

    [Fact]
    public async Task An_unparsable_file_is_502_on_read_and_a_write_never_overwrites_it()
    {
        await File.WriteAllTextAsync(path, "secret: [unclosed\n  - : :");
        var store = Store();

        var read = () => store.ReadAsync(new KvPath("secret", "app/db"), null, Ct);
        var write = () => store.WriteAsync(new KvPath("secret", "x"), SecretMap.Of("a", "b"), null, Ct);

        (await read.ShouldThrowAsync<SecretsProblem>()).Code.ShouldBe(ErrorCode.ProviderError);
        (await write.ShouldThrowAsync<SecretsProblem>()).Code.ShouldBe(ErrorCode.ProviderError);
        (await File.ReadAllTextAsync(path)).ShouldBe("secret: [unclosed\n  - : :");
    }

    [Theory]
    [InlineData(DeploymentProfile.Prod)]
    public async Task Writes_and_deletes_outside_dev_and_test_are_refused_with_ENVIRONMENT_GUARD(DeploymentProfile profile)
    {
        var before = await File.ReadAllBytesAsync(path);
        var store = Store(profile);
        var db = new KvPath("secret", "app/db");

        (await Should.ThrowAsync<SecretsProblem>(() => store.WriteAsync(db, SecretMap.Of("a", "b"), null, Ct))).Code.ShouldBe(ErrorCode.EnvironmentGuard);
        (await Should.ThrowAsync<SecretsProblem>(() => store.UpdateAsync(db, m => m!, Ct))).Code.ShouldBe(ErrorCode.EnvironmentGuard);
        (await Should.ThrowAsync<SecretsProblem>(() => store.DeleteAsync(db, null, Ct))).Code.ShouldBe(ErrorCode.EnvironmentGuard);
        (await File.ReadAllBytesAsync(path)).ShouldBe(before);
        (await store.ReadAsync(db, null, Ct)).ShouldNotBeNull();   // reads still work
    }

    [Fact]
    public async Task Test_profile_allows_writes()
    {
        var store = Store(DeploymentProfile.Test);
        await store.WriteAsync(new KvPath("secret", "t"), SecretMap.Of("a", "b"), null, Ct);
        (await store.ReadAsync(new KvPath("secret", "t"), null, Ct)).ShouldNotBeNull();
    }

    [Fact]
    public async Task Scalar_types_survive_a_round_trip_and_quoted_numbers_stay_strings()
    {
        var store = Store();
        var entry = (await store.ReadAsync(new KvPath("secret", "app/db"), null, Ct))!;
        await store.WriteAsync(new KvPath("secret", "app/db"), entry.Data, null, Ct);

        var again = (await Store().ReadAsync(new KvPath("secret", "app/db"), null, Ct))!;
        again.Data.Entries["port"].Reveal()!.GetValue<long>().ShouldBe(5432);
        again.Data.Entries["tls"].Reveal()!.GetValue<bool>().ShouldBeTrue();
        again.Data.Entries["quoted_number"].Reveal()!.GetValue<string>().ShouldBe("123");
        again.Data.ShouldBe(entry.Data);
    }

    [Fact]
    public async Task Writing_a_map_keeps_the_secrets_below_it()
    {
        var store = Store();
        await store.WriteAsync(new KvPath("secret", "app"), SecretMap.Of("top", "level"), null, Ct);

        (await store.ReadAsync(new KvPath("secret", "app"), null, Ct))!.Data.Keys.ShouldBe(["top"]);
        (await store.ReadAsync(new KvPath("secret", "app/db"), null, Ct))!.Data.Entries["password"].ShouldBe(SecretValue.Of("pw"));
        var names = new List<string>();
        await foreach (var n in store.ListAsync(new KvPath("secret", ""), Ct))
            names.Add(n);
        names.ShouldBe(["app", "app/"]);
    }

    [Fact]
    public async Task A_nested_map_value_or_a_path_through_a_value_is_refused_and_nothing_changes()
    {
        var store = Store();
        var before = await File.ReadAllBytesAsync(path);
        var nested = SecretMap.FromValue(SecretValue.FromJson(System.Text.Json.Nodes.JsonNode.Parse("""{"k":{"inner":"x"}}""")))!;

        (await Should.ThrowAsync<SecretsProblem>(() => store.WriteAsync(new KvPath("secret", "n"), nested, null, Ct))).Code.ShouldBe(ErrorCode.UnsupportedValue);
        (await Should.ThrowAsync<SecretsProblem>(() => store.WriteAsync(new KvPath("secret", "app/db/password/x"), SecretMap.Of("a", "b"), null, Ct))).Code.ShouldBe(ErrorCode.PathConflict);
        (await File.ReadAllBytesAsync(path)).ShouldBe(before);
    }

    [Fact]
    public async Task Delete_removes_the_keys_prunes_empty_parents_and_reports_absence()
    {
        var store = Store();
        (await store.DeleteAsync(new KvPath("secret", "app/db"), null, Ct)).ShouldBeTrue();
        (await store.ReadAsync(new KvPath("secret", "app/db"), null, Ct)).ShouldBeNull();
        (await store.DeleteAsync(new KvPath("secret", "app/db"), null, Ct)).ShouldBeFalse();
        (await File.ReadAllTextAsync(path)).ShouldNotContain("app");
    }

    [Fact]
    public void Capabilities_are_the_yaml_subset()
    {
        var caps = Store().Capabilities;
        caps.HasFlag(KvCapabilities.Read).ShouldBeTrue();
        caps.HasFlag(KvCapabilities.PinnedRead).ShouldBeFalse();
        caps.HasFlag(KvCapabilities.Undelete).ShouldBeFalse();
        caps.HasFlag(KvCapabilities.Destroy).ShouldBeFalse();
        caps.HasFlag(KvCapabilities.CustomMetadata).ShouldBeFalse();
    }
}
